package dev.fuseflow.trainer.train;

import ai.djl.training.tracker.ParameterTracker;
import dev.fuseflow.trainer.optim.CosineWarmupSchedule;

/** Feeds DJL's optimizer the cosine-with-warm-up rate; DJL counts updates from 1. */
final class ScheduleTracker implements ParameterTracker {

    private final CosineWarmupSchedule schedule;

    ScheduleTracker(CosineWarmupSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public float getNewValue(String parameterId, int numUpdate) {
        return (float) schedule.learningRate(Math.max(0, numUpdate - 1));
    }
}
