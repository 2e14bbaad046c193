package dev.loopguard.reports.format;

import dev.loopguard.reports.BenchmarkResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws one scaling study as inline SVG: time against N, both axes logarithmic (N spans decades, and so does time
 * between the L of a gathered call and the N x L of a sequential one), each method's measurements joined by a solid
 * line with JMH's 99.9% confidence interval as error bars, and its ideal as a dashed line of the same colour.
 */
final class SvgChart {

    /** Okabe-Ito: distinguishable with the common colour-vision deficiencies, and on paper. */
    static final String[] COLOURS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};

    private static final int WIDTH = 760;
    private static final int HEIGHT = 360;
    private static final int LEFT = 72;
    private static final int RIGHT = 200;
    private static final int TOP = 16;
    private static final int BOTTOM = 48;

    private SvgChart() {
    }

    static String colour(int index) {
        return COLOURS[index % COLOURS.length];
    }

    static void render(BenchmarkAnalysis.Study study, String id, StringBuilder out) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        for (long n : study.ns) {
            minX = Math.min(minX, n);
            maxX = Math.max(maxX, n);
        }
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Map.Entry<String, Map<Long, BenchmarkResult>> e : study.byMethod.entrySet()) {
            for (Map.Entry<Long, BenchmarkResult> p : e.getValue().entrySet()) {
                for (double v : new double[] {p.getValue().score(), p.getValue().scoreLow(),
                        p.getValue().scoreHigh(), study.ideal(e.getKey(), p.getKey())}) {
                    if (Double.isFinite(v) && v > 0) {
                        minY = Math.min(minY, v);
                        maxY = Math.max(maxY, v);
                    }
                }
            }
        }
        if (minY > maxY) {
            minY = 1;
            maxY = 10;
        }
        Scale x = new Scale(minX, maxX, LEFT, WIDTH - RIGHT, false);
        Scale y = new Scale(minY, maxY, HEIGHT - BOTTOM, TOP, true);
        String title = study.title();
        out.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-labelledby=\"").append(id).append("-t\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append("<title id=\"").append(id).append("-t\">").append(Text.html(title + ": " + study.unit
                        + " against N, logarithmic axes")).append("</title>\n");
        // Grid and axes.
        out.append("<g class=\"grid\">");
        for (double t : y.ticks()) {
            double py = y.at(t);
            out.append(line(LEFT, py, WIDTH - RIGHT, py, "gridline"));
            out.append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(py + 4))
                    .append("\" text-anchor=\"end\">").append(tick(t)).append("</text>");
        }
        for (long n : study.ns) {
            double px = x.at(n);
            out.append(line(px, TOP, px, HEIGHT - BOTTOM, "gridline"));
            out.append("<text x=\"").append(fmt(px)).append("\" y=\"").append(HEIGHT - BOTTOM + 16)
                    .append("\" text-anchor=\"middle\">").append(Text.count(n)).append("</text>");
        }
        out.append(line(LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM, "axis"));
        out.append(line(LEFT, TOP, LEFT, HEIGHT - BOTTOM, "axis"));
        out.append("<text x=\"").append((LEFT + WIDTH - RIGHT) / 2).append("\" y=\"").append(HEIGHT - 10)
                .append("\" text-anchor=\"middle\" class=\"label\">N (tasks), log scale</text>");
        out.append("<text transform=\"translate(16 ").append((TOP + HEIGHT - BOTTOM) / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\" class=\"label\">")
                .append(Text.html(study.unit)).append(", log scale</text>");
        out.append("</g>\n");
        int index = 0;
        int legendY = TOP + 8;
        for (Map.Entry<String, Map<Long, BenchmarkResult>> e : study.byMethod.entrySet()) {
            String method = e.getKey();
            String colour = colour(index++);
            String esc = Text.html(method);
            out.append("<g class=\"series\" stroke=\"").append(colour).append("\" fill=\"").append(colour)
                    .append("\"><title>").append(esc).append("</title>");
            List<double[]> ideal = new ArrayList<>();
            for (long n : study.ns) {
                double v = study.ideal(method, n);
                if (Double.isFinite(v) && v > 0) {
                    ideal.add(new double[] {x.at(n), y.at(v)});
                }
            }
            if (ideal.size() > 1) {
                out.append("<polyline class=\"ideal\" fill=\"none\" points=\"").append(points(ideal)).append("\"/>");
            } else if (ideal.size() == 1) {
                out.append("<circle class=\"ideal\" fill=\"none\" r=\"5\" cx=\"").append(fmt(ideal.get(0)[0]))
                        .append("\" cy=\"").append(fmt(ideal.get(0)[1])).append("\"/>");
            }
            List<double[]> measured = new ArrayList<>();
            for (Map.Entry<Long, BenchmarkResult> p : e.getValue().entrySet()) {
                BenchmarkResult r = p.getValue();
                if (!(Double.isFinite(r.score()) && r.score() > 0)) {
                    continue;
                }
                double px = x.at(p.getKey());
                double py = y.at(r.score());
                measured.add(new double[] {px, py});
                if (Double.isFinite(r.scoreLow()) && Double.isFinite(r.scoreHigh()) && r.scoreHigh() > 0) {
                    double lo = y.at(Math.max(r.scoreLow(), minY));
                    double hi = y.at(r.scoreHigh());
                    out.append(line(px, lo, px, hi, "err")).append(line(px - 4, lo, px + 4, lo, "err"))
                            .append(line(px - 4, hi, px + 4, hi, "err"));
                }
                out.append("<circle r=\"3.5\" cx=\"").append(fmt(px)).append("\" cy=\"").append(fmt(py))
                        .append("\"><title>").append(esc).append(", N=").append(p.getKey()).append(": ")
                        .append(number(r.score())).append(Double.isFinite(r.scoreError()) ? " ± "
                                + number(r.scoreError()) : "").append(' ').append(Text.html(r.unit()))
                        .append("</title></circle>");
            }
            if (measured.size() > 1) {
                out.append("<polyline fill=\"none\" points=\"").append(points(measured)).append("\"/>");
            }
            // Legend: a solid sample for the measurement, a dashed one for the ideal.
            int lx = WIDTH - RIGHT + 16;
            out.append(line(lx, legendY, lx + 22, legendY, "")).append("<circle r=\"3.5\" cx=\"").append(lx + 11)
                    .append("\" cy=\"").append(legendY).append("\"/>")
                    .append("<text stroke=\"none\" fill=\"#222\" x=\"").append(lx + 28).append("\" y=\"")
                    .append(legendY + 4).append("\">").append(esc).append("</text>");
            legendY += 16;
            String formula = BenchmarkAnalysis.Study.idealFormula(method);
            if (formula != null && !ideal.isEmpty()) {
                out.append("<line class=\"ideal\" x1=\"").append(lx).append("\" y1=\"").append(legendY)
                        .append("\" x2=\"").append(lx + 22).append("\" y2=\"").append(legendY).append("\"/>")
                        .append("<text stroke=\"none\" fill=\"#555\" x=\"").append(lx + 28).append("\" y=\"")
                        .append(legendY + 4).append("\">ideal ").append(Text.html(formula)).append("</text>");
                legendY += 16;
            }
            legendY += 4;
            out.append("</g>\n");
        }
        out.append("</svg>\n");
    }

    private static String line(double x1, double y1, double x2, double y2, String cls) {
        return "<line" + (cls.isEmpty() ? "" : " class=\"" + cls + "\"") + " x1=\"" + fmt(x1) + "\" y1=\"" + fmt(y1)
                + "\" x2=\"" + fmt(x2) + "\" y2=\"" + fmt(y2) + "\"/>";
    }

    private static String points(List<double[]> points) {
        StringBuilder s = new StringBuilder();
        for (double[] p : points) {
            if (s.length() > 0) {
                s.append(' ');
            }
            s.append(fmt(p[0])).append(',').append(fmt(p[1]));
        }
        return s.toString();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** An axis tick (1, 2 or 5 times a power of ten) without trailing zeros: 0.05, 10, 1,000. */
    static String tick(double v) {
        if (v >= 1) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return java.math.BigDecimal.valueOf(v).round(new java.math.MathContext(1)).stripTrailingZeros()
                .toPlainString();
    }

    /** Three significant digits, without exponent for everyday magnitudes. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e7)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** A logarithmic scale from a domain onto pixels, padded so that points do not sit on the frame. */
    private static final class Scale {
        final double lo;
        final double hi;
        final double from;
        final double to;

        Scale(double min, double max, double from, double to, boolean pad) {
            double l = Math.log10(min);
            double h = Math.log10(max);
            if (h - l < 1e-9) {
                l -= 0.5;
                h += 0.5;
            }
            double margin = (h - l) * (pad ? 0.08 : 0.05);
            this.lo = l - margin;
            this.hi = h + margin;
            this.from = from;
            this.to = to;
        }

        double at(double v) {
            return from + (Math.log10(v) - lo) / (hi - lo) * (to - from);
        }

        /** Powers of ten in range; with fewer than three, also 2 and 5 times them. */
        List<Double> ticks() {
            List<Double> decades = new ArrayList<>();
            for (int e = (int) Math.ceil(lo); e <= Math.floor(hi); e++) {
                decades.add(Math.pow(10, e));
            }
            if (decades.size() >= 3) {
                return decades;
            }
            List<Double> ticks = new ArrayList<>();
            for (int e = (int) Math.floor(lo); e <= Math.ceil(hi); e++) {
                for (int m : new int[] {1, 2, 5}) {
                    double t = m * Math.pow(10, e);
                    double log = Math.log10(t);
                    if (log >= lo && log <= hi) {
                        ticks.add(t);
                    }
                }
            }
            return ticks;
        }
    }
}
