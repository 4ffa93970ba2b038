package org.pvrun.spec;

/** One problem with an input file, at a place in it. */
public record SpecError(Located where, String message) {
    @Override
    public String toString() {
        return where + ": " + message;
    }
}
