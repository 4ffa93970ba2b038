package org.pvrun.transport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** How a transport copies many files in one stream: the tree half of {@link Transport}, a part of its own. */
public interface TreeCopy {
    /** As {@link Transport#downloadTree}. */
    void downloadTree(String remoteDir, List<String> relativePaths, Path localDir) throws IOException, InterruptedException;

    /** As {@link Transport#uploadTree}. */
    void uploadTree(Path localDir, List<String> relativePaths, String remoteDir) throws IOException, InterruptedException;
}
