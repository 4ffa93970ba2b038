package org.pvrun.spec;

import java.util.Locale;

/** How pvbatch gets something to render into (docs/spec.md#display). */
public enum Display {
    /** Use $DISPLAY if set; otherwise a private Xvfb if Xvfb is installed; otherwise offscreen. */
    AUTO,
    /** --force-offscreen-rendering and nothing else (builds with EGL or OSMesa, or a display already set). */
    OFFSCREEN,
    /** Always start a private Xvfb for the run. */
    XVFB,
    /** EGL device rendering (--force-offscreen-rendering; no X server). */
    EGL;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Display parse(String s) {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
    }
}
