package dev.fuseflow.trainer.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HalfFloatsTest {

    @Test
    void knownHalfValues() {
        assertThat(HalfFloats.f16ToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(HalfFloats.f16ToFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(HalfFloats.f16ToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(HalfFloats.f16ToFloat((short) 0x7C00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(HalfFloats.f16ToFloat((short) 0x7E00)).isNaN();
        assertThat(HalfFloats.floatToF16(0.1f)).isEqualTo((short) 0x2E66);
        assertThat(HalfFloats.floatToF16(1e6f)).isEqualTo((short) 0x7C00);
        assertThat(HalfFloats.floatToF16(1e-9f)).isEqualTo((short) 0);
    }

    @Test
    void everyHalfSurvivesTheRoundTripThroughFloat() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short half = (short) bits;
            float value = HalfFloats.f16ToFloat(half);
            if (!Float.isNaN(value)) {
                assertThat(HalfFloats.floatToF16(value)).as("0x%04x", bits).isEqualTo(half);
            }
        }
    }

    @Test
    void everyBfloat16SurvivesTheRoundTripAndRoundingIsToNearestEven() {
        for (int bits = 0; bits < 0x10000; bits++) {
            short b = (short) bits;
            float value = HalfFloats.bf16ToFloat(b);
            if (!Float.isNaN(value)) {
                assertThat(HalfFloats.floatToBf16(value)).as("0x%04x", bits).isEqualTo(b);
            }
        }
        assertThat(HalfFloats.floatToBf16(1.00390625f)).isEqualTo((short) 0x3F80); // tie, even stays
        assertThat(HalfFloats.floatToBf16(1.01171875f)).isEqualTo((short) 0x3F82); // tie, odd rounds up
        assertThat(HalfFloats.bf16ToFloat((short) 0x3FC0)).isEqualTo(1.5f);
    }
}
