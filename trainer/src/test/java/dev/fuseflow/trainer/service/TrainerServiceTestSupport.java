package dev.fuseflow.trainer.service;

import dev.fuseflow.schemas.avro.PreferenceSample;
import dev.fuseflow.trainer.data.WrpoExample;

/** Test fixtures of the service shared with other packages' tests. */
public final class TrainerServiceTestSupport {

    private TrainerServiceTestSupport() {
    }

    /** A PreferenceSample carrying a demo example, as the stream processors would emit it. */
    public static PreferenceSample sample(WrpoExample example) {
        return TrainerServiceTest.sample(example);
    }
}
