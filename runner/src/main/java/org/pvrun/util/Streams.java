package org.pvrun.util;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Stream wrappers. */
public final class Streams {

    private Streams() {}

    /**
     * {@code out} behind a wrapper whose close only flushes: for an encoder, writer or archive stream that must be
     * closed (to write its end) without closing the stream beneath, which belongs to the caller.
     */
    public static OutputStream nonClosing(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }
}
