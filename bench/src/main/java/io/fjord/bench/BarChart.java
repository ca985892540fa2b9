package io.fjord.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A grouped bar chart (Fjord and Kafka side by side per group) drawn with plain java.awt into a
 * PNG, headless: no charting dependency for four charts. Each bar is labelled with its value so
 * the chart stands alone without the table.
 */
final class BarChart {
    private static final int WIDTH_PX = 960;
    private static final int HEIGHT_PX = 480;
    private static final int MARGIN_PX = 60;
    private static final int LABEL_AREA_PX = 110;
    private static final Color FJORD_COLOR = new Color(0x1f77b4);
    private static final Color KAFKA_COLOR = new Color(0xaaaaaa);

    /** One group of two bars. */
    record Group(String label, double fjord, double kafka) {
    }

    private BarChart() {
    }

    static void write(Path file, String title, String unit, List<Group> groups) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH_PX, HEIGHT_PX, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH_PX, HEIGHT_PX);
            draw(g, title, unit, groups);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void draw(Graphics2D g, String title, String unit, List<Group> groups) {
        double max = 0;
        for (Group group : groups) {
            max = Math.max(max, Math.max(finite(group.fjord()), finite(group.kafka())));
        }
        max = max <= 0 ? 1 : max * 1.15; // headroom for the value labels
        int plotTop = MARGIN_PX;
        int plotBottom = HEIGHT_PX - LABEL_AREA_PX;
        int plotLeft = MARGIN_PX;
        int plotRight = WIDTH_PX - 20;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title + " (" + unit + ")", plotLeft, 28);
        legend(g, plotRight - 170, 16);
        g.setStroke(new BasicStroke(1));
        g.drawLine(plotLeft, plotBottom, plotRight, plotBottom);

        double groupWidth = (plotRight - plotLeft) / (double) Math.max(1, groups.size());
        double barWidth = Math.min(60, groupWidth * 0.35);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < groups.size(); i++) {
            Group group = groups.get(i);
            double center = plotLeft + groupWidth * (i + 0.5);
            bar(g, center - barWidth, barWidth, group.fjord(), max, plotTop, plotBottom, FJORD_COLOR);
            bar(g, center, barWidth, group.kafka(), max, plotTop, plotBottom, KAFKA_COLOR);
            groupLabel(g, group.label(), center, plotBottom + 16, groupWidth);
        }
    }

    private static void bar(Graphics2D g, double x, double width, double value, double max, int top, int bottom,
                            Color color) {
        double v = finite(value);
        int height = (int) Math.round((bottom - top) * v / max);
        g.setColor(color);
        g.fillRect((int) x, bottom - height, (int) width - 2, height);
        g.setColor(Color.BLACK);
        String text = Double.isFinite(value) ? Report.number(value) : "n/a";
        FontMetrics metrics = g.getFontMetrics();
        g.drawString(text, (int) (x + (width - metrics.stringWidth(text)) / 2), bottom - height - 3);
    }

    /** Wraps the group label on ", " so long workload names fit under their bars. */
    private static void groupLabel(Graphics2D g, String label, double center, int y, double width) {
        FontMetrics metrics = g.getFontMetrics();
        StringBuilder line = new StringBuilder();
        int lineY = y;
        for (String word : label.split(" ")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (metrics.stringWidth(candidate) > width - 6 && line.length() > 0) {
                g.drawString(line.toString(), (int) (center - metrics.stringWidth(line.toString()) / 2.0), lineY);
                lineY += metrics.getHeight();
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        g.drawString(line.toString(), (int) (center - metrics.stringWidth(line.toString()) / 2.0), lineY);
    }

    private static void legend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(FJORD_COLOR);
        g.fillRect(x, y, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString("Fjord", x + 20, y + 12);
        g.setColor(KAFKA_COLOR);
        g.fillRect(x + 80, y, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString("Kafka", x + 100, y + 12);
    }

    private static double finite(double value) {
        return Double.isFinite(value) ? value : 0;
    }
}
