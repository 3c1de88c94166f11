package dev.fuseflow.trainer.objective;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every property docs/wrpo.md lists, on the PyTorch engine, gradients through DJL autograd. */
class WrpoLossTest {

    private static final double LN2 = Math.log(2);

    private NDManager manager;

    @BeforeEach
    void manager() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private NDArray vec(double... values) {
        return manager.create(values);
    }

    private PreferenceLogps logps(double ws, double wt, double l) {
        return new PreferenceLogps(vec(ws), vec(wt), vec(l));
    }

    private double wrpo(PreferenceLogps policy, PreferenceLogps reference, double alpha, double beta) {
        return WrpoLoss.compute(policy, reference, vec(1.0), alpha, beta).loss().getDouble();
    }

    @ParameterizedTest
    @CsvSource({"0.0, 0.6587595555", "0.1, 0.6549074879", "1.0, 0.6209570478"})
    void workedExampleOfWrpoMd(double alpha, double expected) {
        double loss = wrpo(logps(-120, -80, -95), logps(-130, -82, -90), alpha, 0.01);
        assertThat(loss).isCloseTo(expected, within(1e-9));
    }

    @ParameterizedTest
    @CsvSource({"0.0, 0.01", "0.1, 0.01", "0.5, 0.5", "1.0, 2.0"})
    void policyEqualToReferenceGivesLn2(double alpha, double beta) {
        PreferenceLogps same = new PreferenceLogps(vec(-12.5, -3), vec(-7, -40), vec(-9, -1));
        NDArray loss = WrpoLoss.compute(same, same, vec(0.3, 1.0), alpha, beta).loss();
        assertThat(loss.getDouble()).isCloseTo(LN2, within(1e-12));
    }

    @Test
    void alphaZeroIsDpoOnTargetChosenAndAlphaOneIsDpoOnSourceChosen() {
        PreferenceLogps policy = new PreferenceLogps(vec(-120, -10), vec(-80, -11), vec(-95, -12));
        PreferenceLogps reference = new PreferenceLogps(vec(-130, -9), vec(-82, -15), vec(-90, -11));
        NDArray w = vec(0.5, 1.0);
        double dpoOnTarget = DpoLoss.compute(
                        policy.targetChosen(),
                        policy.rejected(),
                        reference.targetChosen(),
                        reference.rejected(),
                        w,
                        0.1)
                .loss()
                .getDouble();
        double dpoOnSource = DpoLoss.compute(
                        policy.sourceChosen(),
                        policy.rejected(),
                        reference.sourceChosen(),
                        reference.rejected(),
                        w,
                        0.1)
                .loss()
                .getDouble();
        assertThat(WrpoLoss.compute(policy, reference, w, 0.0, 0.1).loss().getDouble())
                .isEqualTo(dpoOnTarget);
        assertThat(WrpoLoss.compute(policy, reference, w, 1.0, 0.1).loss().getDouble())
                .isEqualTo(dpoOnSource);
    }

    @Test
    void gradientsMatchTheClosedForm() {
        double alpha = 0.3;
        double beta = 0.2;
        NDArray ws = vec(-120);
        NDArray wt = vec(-80);
        NDArray l = vec(-95);
        PreferenceLogps reference = logps(-130, -82, -90);
        double z;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            for (NDArray a : new NDArray[] {ws, wt, l}) {
                a.setRequiresGradient(true);
            }
            WrpoLoss.Result result = WrpoLoss.compute(new PreferenceLogps(ws, wt, l), reference, vec(1.0), alpha, beta);
            z = result.z().getDouble(0);
            collector.backward(result.loss());
        }
        double s = 1 / (1 + Math.exp(z)); // sigmoid(-z)
        assertThat(ws.getGradient().getDouble(0)).isCloseTo(-beta * alpha * s, within(1e-12));
        assertThat(wt.getGradient().getDouble(0)).isCloseTo(-beta * (1 - alpha) * s, within(1e-12));
        assertThat(l.getGradient().getDouble(0)).isCloseTo(beta * s, within(1e-12));
    }

    @Test
    void whileAlphaIsZeroSourceChosenGetsNoGradient() {
        NDArray ws = vec(-120, -3);
        NDArray wt = vec(-80, -4);
        NDArray l = vec(-95, -5);
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            for (NDArray a : new NDArray[] {ws, wt, l}) {
                a.setRequiresGradient(true);
            }
            collector.backward(WrpoLoss.compute(
                            new PreferenceLogps(ws, wt, l),
                            new PreferenceLogps(vec(-130, -3), vec(-82, -3), vec(-90, -3)),
                            vec(1, 1),
                            0.0,
                            0.01)
                    .loss());
        }
        // Exactly zero, of either sign: 0 * gradient.
        assertThat(ws.getGradient().abs().toDoubleArray()).containsExactly(0.0, 0.0);
        assertThat(Arrays.stream(wt.getGradient().toDoubleArray()).max().orElseThrow())
                .isNegative();
    }

    @Test
    void aConstantAddedToAllThreePolicyLogpsCancels() {
        PreferenceLogps reference = logps(-130, -82, -90);
        double base = wrpo(logps(-120, -80, -95), reference, 0.4, 0.05);
        double shifted = wrpo(logps(-120 + 37.5, -80 + 37.5, -95 + 37.5), reference, 0.4, 0.05);
        assertThat(shifted).isCloseTo(base, within(1e-12));
    }

    @Test
    void unitWeightsGiveThePapersMeanAndWeightsCountAsConstants() {
        PreferenceLogps policy = new PreferenceLogps(vec(-1, -2, -3), vec(-4, -5, -6), vec(-9, -2, -1));
        PreferenceLogps reference = new PreferenceLogps(vec(-2, -2, -2), vec(-5, -5, -5), vec(-5, -5, -5));
        WrpoLoss.Result unit = WrpoLoss.compute(policy, reference, vec(1, 1, 1), 0.1, 0.5);
        assertThat(unit.loss().getDouble()).isCloseTo(unit.losses().mean().getDouble(), within(1e-12));

        NDArray weights = vec(0.2, 1.0, 0.6);
        weights.setRequiresGradient(true);
        policy.targetChosen().setRequiresGradient(true);
        WrpoLoss.Result weighted;
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            weighted = WrpoLoss.compute(policy, reference, weights, 0.1, 0.5);
            collector.backward(weighted.loss());
        }
        double[] losses = weighted.losses().toDoubleArray();
        assertThat(weighted.loss().getDouble())
                .isCloseTo((0.2 * losses[0] + 1.0 * losses[1] + 0.6 * losses[2]) / 1.8, within(1e-12));
        // No gradient reached the weights: DJL reports an all-zero gradient for them.
        assertThat(weights.getGradient().toType(DataType.FLOAT64, false).toDoubleArray())
                .containsOnly(0.0);
        assertThat(policy.targetChosen().getGradient().abs().sum().getDouble()).isPositive();
    }

    @Test
    void extremeMarginsStayFinite() {
        NDArray losses = WrpoLoss.compute(
                        new PreferenceLogps(vec(0, 0), vec(1e6, -1e6), vec(0, 0)),
                        new PreferenceLogps(vec(0, 0), vec(0, 0), vec(0, 0)),
                        vec(1, 1),
                        0.0,
                        1.0)
                .losses();
        double[] values = losses.toDoubleArray();
        assertThat(values[0]).isZero();
        assertThat(values[1]).isCloseTo(1e6, within(1e-6));
        NDArray floats = Softplus.of(manager.create(new float[] {-1e4f, 1e4f, 0f}));
        assertThat(floats.toFloatArray()).containsExactly(0f, 1e4f, (float) LN2);
    }

    @Test
    void rewardsAreTheScaledLogRatiosWithoutGradient() {
        WrpoLoss.Result r = WrpoLoss.compute(logps(-120, -80, -95), logps(-130, -82, -90), vec(1.0), 0.1, 0.01);
        assertThat(r.sourceChosenReward().getDouble(0)).isCloseTo(0.10, within(1e-12));
        assertThat(r.targetChosenReward().getDouble(0)).isCloseTo(0.02, within(1e-12));
        assertThat(r.chosenReward().getDouble(0)).isCloseTo(0.1 * 0.10 + 0.9 * 0.02, within(1e-12));
        assertThat(r.rejectedReward().getDouble(0)).isCloseTo(-0.05, within(1e-12));
        assertThat(r.chosenReward().hasGradient()).isFalse();
    }

    @Test
    void invalidHyperparametersAreRefusedByName() {
        PreferenceLogps p = logps(-1, -1, -1);
        assertThatThrownBy(() -> WrpoLoss.compute(p, p, vec(1), 1.5, 0.1))
                .hasMessage("alpha must lie in [0, 1], got 1.5");
        assertThatThrownBy(() -> WrpoLoss.compute(p, p, vec(1), 0.1, 0))
                .hasMessage("beta must be a finite number > 0, got 0.0");
    }
}
