package org.pvrun.spec;

/** A place in a source file (1-based line and column), for messages that point at it. */
public record Located(String file, int line, int column) {
    @Override
    public String toString() {
        return line <= 0 ? file : file + ":" + line + ":" + column;
    }

    /** A string value together with where it was written. */
    public record Text(Located where, String value) {}
}
