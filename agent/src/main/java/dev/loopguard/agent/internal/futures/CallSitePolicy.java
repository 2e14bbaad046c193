package dev.loopguard.agent.internal.futures;

import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the call-site rewriter instruments, from the agent options: which classes are the application's, whether
 * dropped JDK and framework futures are findings ({@code ignoredFutures=strict}), which methods may drop their future
 * ({@code fireAndForget}), and whether futures kept by the application are tracked ({@code tasks} not {@code off}).
 */
public final class CallSitePolicy {

    private final Predicate<String> applicationClass;
    private final boolean strict;
    private final Set<String> fireAndForget;
    private final boolean trackFutures;

    /**
     * @param applicationClass tests a binary class name ({@code com.acme.Repo}) for being application code
     * @param fireAndForget    {@code CLASS#METHOD} entries whose futures may be dropped
     */
    public CallSitePolicy(Predicate<String> applicationClass, boolean strict, Set<String> fireAndForget, boolean trackFutures) {
        this.applicationClass = Objects.requireNonNull(applicationClass, "applicationClass");
        this.strict = strict;
        this.fireAndForget = Set.copyOf(Objects.requireNonNull(fireAndForget, "fireAndForget"));
        this.trackFutures = trackFutures;
    }

    boolean isApplicationClass(String binaryName) {
        return applicationClass.test(binaryName);
    }

    boolean strict() {
        return strict;
    }

    boolean trackFutures() {
        return trackFutures;
    }

    boolean isFireAndForget(String ownerBinaryName, String method) {
        return !fireAndForget.isEmpty() && fireAndForget.contains(ownerBinaryName + "#" + method);
    }
}
