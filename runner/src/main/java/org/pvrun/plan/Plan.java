package org.pvrun.plan;

import java.util.List;

import org.pvrun.spec.PipelineSpec;

/** What a run will do: the spec and its tasks. */
public record Plan(PipelineSpec spec, List<Task> tasks) {}
