package dev.fuseflow.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a published version's metrics say: nothing a stage does not define, and no NaN. */
class EvalReportTest {

    @Test
    void withoutAReferenceThereIsNoLossRatherThanANaNOne() {
        EvalReport.Builder sft = new EvalReport.Builder(false);
        sft.add(1.0, Double.NaN, -3.0, -4.0, -3.1, -5.0);
        sft.add(3.0, Double.NaN, -6.0, -2.0, -5.6, -4.0);
        assertThat(sft.build().metrics())
                .doesNotContainKey("eval/loss")
                .containsEntry("eval/samples", 2.0)
                .containsEntry("eval/rewards/accuracies", 0.25)
                .allSatisfy((name, value) -> assertThat(value).as(name).isFinite());

        EvalReport.Builder wrpo = new EvalReport.Builder(true);
        wrpo.add(1.0, 0.5, 0.2, 0.1, 0.19, -0.1);
        wrpo.add(1.0, 0.7, -0.2, 0.1, -0.17, 0.0);
        assertThat(wrpo.build().metrics())
                .containsEntry("eval/loss", 0.6)
                .containsEntry("eval/rewards/accuracies", 0.5);
    }
}
