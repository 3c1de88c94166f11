package dev.fuseflow.trainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Python behaviour chat templates lean on, each construct rendered as transformers 5.17's
 * jinja2 environment renders it ({@code expressions.json} from {@code make_chat_golden.py}: string
 * methods, slices, namespace, tests, tojson, trim, loop filters, strftime_now, generation blocks,
 * raise_exception), and the constructs the engine still lacks refused with their name.
 */
class TransformersJinjaTest {

    private static final JsonNode GOLDEN = golden();

    static Stream<JsonNode> expressions() {
        return Stream.iterate(0, i -> i + 1)
                .limit(GOLDEN.path("expressions").size())
                .map(GOLDEN.path("expressions")::path);
    }

    @ParameterizedTest
    @MethodSource("expressions")
    void rendersAsJinja2InTransformers(JsonNode expression) {
        String template = expression.path("template").asText();
        if (expression.has("error")) {
            assertThatThrownBy(() -> render(template))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(expression.path("error").asText());
        } else {
            assertThat(render(template))
                    .as(template)
                    .isEqualTo(expression.path("output").asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ s.zfill(3) }}", "{{ s.format(1) }}"})
    void aStringMethodTheEngineDoesNotHaveIsRefusedByName(String template) {
        String method = template.substring(template.indexOf('.') + 1, template.indexOf('('));
        assertThatThrownBy(() -> render(template))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("str." + method + "() is not a Python string method");
    }

    @Test
    void aFilterOrTestTheEngineDoesNotHaveIsRefusedByNameNotRenderedAsNothing() {
        // jinja2's max filter and callable test, which Jinjava 2.8 lacks
        assertThatThrownBy(() -> render("{{ [1, 2] | max }}"))
                .hasMessageContaining("the template uses the filter 'max'");
        assertThatThrownBy(() -> render("{% if s is callable %}y{% endif %}"))
                .hasMessageContaining("the template uses the test 'callable'");
    }

    @Test
    void whitespaceIsPythonsStrIsspace() {
        // [hex(c) for c in range(0x110000) if chr(c).isspace()] in CPython 3
        List<Integer> python = List.of(
                0x9, 0xa, 0xb, 0xc, 0xd, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002,
                0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000);
        assertThat(IntStream.range(0, 0x110000)
                        .filter(PythonStrings::isSpace)
                        .boxed()
                        .toList())
                .isEqualTo(python);
    }

    @Test
    void slicesSelectTheIndicesPythonDoes() {
        // list(range(6))[start:stop:step] in CPython
        assertThat(PythonSlice.indices(6, null, null, -1)).containsExactly(5, 4, 3, 2, 1, 0);
        assertThat(PythonSlice.indices(6, 1, null, null)).containsExactly(1, 2, 3, 4, 5);
        assertThat(PythonSlice.indices(6, -2, null, null)).containsExactly(4, 5);
        assertThat(PythonSlice.indices(6, 4, 1, -1)).containsExactly(4, 3, 2);
        assertThat(PythonSlice.indices(6, -10, 10, 4)).containsExactly(0, 4);
        assertThat(PythonSlice.indices(6, 10, -10, -3)).containsExactly(5, 2);
        assertThat(PythonSlice.indices(6, 3, 1, null)).isEmpty();
        assertThat(PythonSlice.indices(0, null, null, -1)).isEmpty();
        assertThatThrownBy(() -> PythonSlice.indices(6, null, null, 0))
                .hasMessageContaining("slice step cannot be zero");
    }

    @Test
    void splitTakesItsSeparatorLiterallyNotAsARegularExpression() {
        assertThat(PythonStrings.split("a|b.c", "|", -1)).containsExactly("a", "b.c");
        assertThat(PythonStrings.split("a|b.c", ".", -1)).containsExactly("a|b", "c");
        assertThat(PythonStrings.rsplit("a.b.c", ".", 1)).containsExactly("a.b", "c");
        assertThat(PythonStrings.split("  a  b ", null, -1)).containsExactly("a", "b");
        assertThat(PythonStrings.rsplit("  a  b c ", null, 1)).containsExactly("  a  b", "c");
    }

    private static String render(String template) {
        Jinjava jinjava = TransformersJinja.create(Clock.fixed(
                LocalDateTime.parse(GOLDEN.path("now").asText()).toInstant(ZoneOffset.UTC), ZoneOffset.UTC));
        return TransformersJinja.render(
                jinjava, template, Map.of("s", GOLDEN.path("s").asText()), "expression");
    }

    private static JsonNode golden() {
        try (InputStream in = TransformersJinjaTest.class.getResourceAsStream("/golden/chat/expressions.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
