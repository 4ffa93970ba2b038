package org.pvrun.util;

/** pvrun's own version, from the jar manifest (or "dev" when run from classes). */
public final class Versions {
    private Versions() {}

    public static String pvrun() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
