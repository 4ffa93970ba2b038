package org.pvrun.run;

import java.nio.file.Path;

import org.pvrun.results.Manifest;

/** The outcome of a run: its manifest (null for a dry run), its directory, and pvrun's exit status. */
public record RunResult(Manifest manifest, Path runDir, int exitCode) {}
