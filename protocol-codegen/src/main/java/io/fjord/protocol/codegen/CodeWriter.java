package io.fjord.protocol.codegen;

/**
 * Accumulates Java source with four-space indentation, so that the emitters read as the code
 * they produce: {@code open("if (x)")} ... {@code close()}.
 */
final class CodeWriter {
    private static final String INDENT = "    ";
    private final StringBuilder text = new StringBuilder();
    private int depth;

    CodeWriter line(String line) {
        if (!line.isEmpty()) {
            text.append(INDENT.repeat(depth)).append(line);
        }
        text.append('\n');
        return this;
    }

    CodeWriter blank() {
        return line("");
    }

    /** Writes {@code header + " {"} and indents. */
    CodeWriter open(String header) {
        line(header + " {");
        depth++;
        return this;
    }

    /** Closes the current block and opens the next, e.g. {@code "} else {"}. */
    CodeWriter reopen(String header) {
        depth--;
        line("} " + header + " {");
        depth++;
        return this;
    }

    CodeWriter close() {
        return close("}");
    }

    CodeWriter close(String closing) {
        depth--;
        if (depth < 0) {
            throw new IllegalStateException("unbalanced blocks");
        }
        return line(closing);
    }

    /** Javadoc comment, wrapped at about 100 columns. */
    CodeWriter javadoc(String comment) {
        line("/**");
        StringBuilder current = new StringBuilder();
        for (String word : comment.replace("*/", "* /").split("\\s+")) {
            if (current.length() + word.length() > 92 - depth * INDENT.length() && current.length() > 0) {
                line(" * " + current);
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append(' ');
            }
            current.append(word);
        }
        if (current.length() > 0) {
            line(" * " + current);
        }
        return line(" */");
    }

    int depth() {
        return depth;
    }

    @Override
    public String toString() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed block, depth " + depth);
        }
        return text.toString();
    }
}
