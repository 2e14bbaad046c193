package dev.loopguard.hardware;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A board binding (Pi4J, diozero) depends on this artifact alone, so it must not need anything but the JDK's
 * {@code java.*} packages. The compiler cannot guard that once someone adds a dependency to the POM, so this test
 * reads what the compiled classes refer to, and what the POM declares.
 */
class HardwareApiIsSelfContainedTest {

    private static final String OWN_PACKAGE = "dev/loopguard/hardware/";
    /** A type in a descriptor or signature: {@code Ljava/util/List;}, {@code Ljava/util/List<...>;}. */
    private static final Pattern TYPE_IN_DESCRIPTOR = Pattern.compile("L([A-Za-z_$][\\w$]*(?:/[\\w$]+)+)[;<]");

    @Test
    void theCompiledClassesReferOnlyToJavaPackagesAndTheirOwn() throws IOException {
        Path root = Path.of("target", "classes");
        Path classes = root.resolve(OWN_PACKAGE);
        Map<String, List<String>> foreign = new TreeMap<>();
        List<String> scanned = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(file).toString().replace('\\', '/');
                scanned.add(name);
                for (String type : referencedTypes(file)) {
                    if (!isAllowed(type)) {
                        foreign.computeIfAbsent(name, k -> new ArrayList<>()).add(type);
                    }
                }
            }
        }
        assertThat(scanned).as("the API's classes, compiled before the tests run")
                .contains("dev/loopguard/hardware/BoardProvider.class", "dev/loopguard/hardware/Sensor.class",
                        "dev/loopguard/hardware/Reading.class");
        assertThat(foreign).as("types outside java.* and dev.loopguard.hardware, by class: move the code that "
                + "needs them to hardware-sim").isEmpty();
    }

    @Test
    void thePomDeclaresNoDependencyOutsideTheTestScope() throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("pom.xml").toFile()).getDocumentElement();
        assertThat(project.getElementsByTagName("artifactId").item(0).getTextContent())
                .isEqualTo("loopguard-parent"); // the parent's, first: this is the module's POM
        NodeList dependencies = project.getElementsByTagName("dependency");
        assertThat(dependencies.getLength()).as("JUnit and AssertJ, for this test").isPositive();
        List<String> notTest = new ArrayList<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            NodeList scope = dependency.getElementsByTagName("scope");
            if (scope.getLength() == 0 || !scope.item(0).getTextContent().trim().equals("test")) {
                notTest.add(dependency.getElementsByTagName("artifactId").item(0).getTextContent().trim());
            }
        }
        assertThat(notTest).as("dependencies outside the test scope").isEmpty();
    }

    @Test
    void theScanSeesAForeignType() {
        assertThat(isAllowed("com/fasterxml/jackson/databind/ObjectMapper")).isFalse();
        assertThat(isAllowed("dev/loopguard/core/LoopClock")).isFalse();
        assertThat(isAllowed("dev/loopguard/hardware/sim/SimulatedBoard")).isFalse();
        assertThat(isAllowed("javax/annotation/Nullable")).isFalse();
        assertThat(isAllowed("java/util/concurrent/CompletionStage")).isTrue();
        assertThat(isAllowed("dev/loopguard/hardware/Reading$Builder")).isTrue();
        assertThat(typesIn("(Lcom/acme/Pin;Ljava/util/List<Lorg/x/Y;>;)V"))
                .containsExactlyInAnyOrder("com/acme/Pin", "java/util/List", "org/x/Y");
    }

    private static boolean isAllowed(String internalName) {
        if (internalName.startsWith("java/")) {
            return true;
        }
        return internalName.startsWith(OWN_PACKAGE) && internalName.indexOf('/', OWN_PACKAGE.length()) < 0;
    }

    /** Every type a class file names in its constant pool: class entries, descriptors and generic signatures. */
    private static TreeSet<String> referencedTypes(Path classFile) throws IOException {
        TreeSet<String> types = new TreeSet<>();
        try (InputStream raw = Files.newInputStream(classFile); DataInputStream in = new DataInputStream(raw)) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException(classFile + " is not a class file");
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classNames = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classNames.add(in.readUnsignedShort());
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 15 -> in.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                    case 5, 6 -> {
                        in.skipBytes(8);
                        i++; // eight-byte constants take two entries
                    }
                    default -> throw new IOException(classFile + ": unknown constant pool tag " + tag);
                }
            }
            for (int index : classNames) {
                String name = utf8[index];
                types.addAll(name.startsWith("[") ? typesIn(name) : List.of(name));
            }
            for (String text : utf8) {
                if (text != null) {
                    types.addAll(typesIn(text));
                }
            }
        }
        return types;
    }

    private static List<String> typesIn(String descriptor) {
        List<String> types = new ArrayList<>();
        Matcher m = TYPE_IN_DESCRIPTOR.matcher(descriptor);
        while (m.find()) {
            types.add(m.group(1));
        }
        return types;
    }
}
