package dev.fuseflow.trainer.tokenizer;

import static jinjava.de.odysseus.el.tree.impl.Builder.Feature.METHOD_INVOCATIONS;
import static jinjava.de.odysseus.el.tree.impl.Builder.Feature.VARARGS;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.lib.tag.Tag;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TagNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ExpressionFactory;

/**
 * Jinjava set up as the jinja2 environment transformers renders chat templates in ({@code
 * _compile_jinja_template}): {@code trim_blocks} and {@code lstrip_blocks}; the globals {@code
 * raise_exception} and {@code strftime_now}; transformers' {@code tojson} ({@link PythonJson});
 * and, where Jinjava's Java heritage shows through, Python's behaviour put back through Jinjava's
 * extension points: {@code str} methods and indexing ({@link PythonStrings}, an EL resolver),
 * three-part slices and keyword arguments ({@link PythonSliceParser}, the expression factory),
 * loop filters ({@link FilteredForTag}), {@code trim} with Python's whitespace, the {@code items}
 * filter, strings being {@code iterable} and {@code sequence}, and the {@code {% generation %}}
 * block transformers adds for assistant masks (rendered as its body, as transformers does when
 * no mask is asked for).
 */
final class TransformersJinja {

    private static final String STRFTIME_NOW = "strftime_now";
    private static final String RAISE_EXCEPTION = "raise_exception";

    private TransformersJinja() {}

    /** A Jinjava whose {@code strftime_now} reads {@code clock}, in the clock's time zone. */
    static Jinjava create(Clock clock) {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStrings());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        Jinjava jinjava = new PythonSyntaxJinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .withDateTimeProvider(clock::millis)
                .withTimeZone(clock.getZone())
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseNaturalOperatorPrecedence(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build());
        Context globals = jinjava.getGlobalContext();
        globals.registerFunction(
                new ELFunctionDefinition("", RAISE_EXCEPTION, TransformersJinja.class, "raiseException", String.class));
        globals.registerFunction(
                new ELFunctionDefinition("", STRFTIME_NOW, TransformersJinja.class, "strftimeNow", String.class));
        globals.registerFilter(new ToJson());
        globals.registerFilter(new Trim());
        globals.registerFilter(new Items());
        globals.registerExpTest(new PythonTest("iterable"));
        globals.registerExpTest(new PythonTest("sequence"));
        globals.registerTag(new Generation());
        globals.registerTag(new FilteredForTag());
        return jinjava;
    }

    /**
     * The template rendered with {@code bindings}, as jinja2 would render it or refuse it: Jinjava
     * goes on past an error, so any fatal one (a {@code raise_exception}, a construct the engine
     * does not know) fails the render, with the template's own message where it raised one.
     */
    static String render(Jinjava jinjava, String template, Map<String, Object> bindings, String source) {
        Map<String, Object> variables = new HashMap<>(bindings);
        // jinja2 sees its globals as variables too: Llama 3.2 asks `strftime_now is defined` before calling it
        variables.put(STRFTIME_NOW, "<function strftime_now>");
        variables.put(RAISE_EXCEPTION, "<function raise_exception>");
        RenderResult result;
        try {
            result = jinjava.renderForResult(jinja2Source(template), variables);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(source + " failed to render: " + e.getMessage(), e);
        }
        List<TemplateError> fatal = result.getErrors().stream()
                .filter(error -> error.getSeverity() == TemplateError.ErrorType.FATAL)
                .toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(source + " failed to render: "
                    + fatal.stream().map(TransformersJinja::describe).collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    /**
     * The template's text as jinja2's lexer reads it ({@code keep_trailing_newline} off, as in
     * transformers): every line break a {@code \n}, and one line break at the very end dropped, so
     * a template whose last expression is followed by a newline renders no newline there. Jinjava
     * keeps both.
     */
    static String jinja2Source(String template) {
        String source = template.replace("\r\n", "\n").replace('\r', '\n');
        return source.endsWith("\n") ? source.substring(0, source.length() - 1) : source;
    }

    private static String describe(TemplateError error) {
        Throwable cause = error.getException();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause instanceof IllegalArgumentException ? cause.getMessage() : error.getMessage();
        return "line " + error.getLineno() + ": " + message;
    }

    /** What {@code raise_exception} does in a template: the template refuses the conversation. */
    static String raiseException(String message) {
        throw new IllegalArgumentException("the chat template refuses the conversation: " + message);
    }

    /** transformers' {@code strftime_now(format)}: the render's current time through Python's strftime. */
    static String strftimeNow(String format) {
        JinjavaConfig config = JinjavaInterpreter.getCurrent().getConfig();
        Instant now = Instant.ofEpochMilli(config.getDateTimeProvider().getCurrentTimeMillis());
        return StrftimeFormatter.format(ZonedDateTime.ofInstant(now, config.getTimeZone()), format, Locale.ENGLISH);
    }

    /** Python's {@code str(value)} for the values a template meets. */
    static String pythonStr(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return value.toString();
    }

    /**
     * Jinjava with its expression factory swapped for one that parses with {@link
     * PythonSliceParser}: the only place Jinjava lets an application choose the parser (JUEL's
     * JEE6 profile, as Jinjava's own factory: method invocations and varargs).
     */
    private static final class PythonSyntaxJinjava extends Jinjava {

        private final ExpressionFactory expressionFactory = new ExpressionFactoryImpl(
                new TreeStore(new PythonSliceParser.SyntaxBuilder(METHOD_INVOCATIONS, VARARGS), new Cache(1000)),
                new TruthyTypeConverter());

        PythonSyntaxJinjava(JinjavaConfig config) {
            super(config);
        }

        @Override
        public ExpressionFactory getExpressionFactory() {
            return expressionFactory;
        }
    }

    /** transformers' {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
    private static final class ToJson implements Filter {

        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object ensureAscii = kwargs.getOrDefault("ensure_ascii", args.length > 0 ? args[0] : false);
            Object indent = kwargs.getOrDefault("indent", args.length > 1 ? args[1] : null);
            Object separators = kwargs.getOrDefault("separators", args.length > 2 ? args[2] : null);
            Object sortKeys = kwargs.getOrDefault("sort_keys", args.length > 3 ? args[3] : false);
            return PythonJson.dumps(
                    var,
                    PythonJson.Options.of(
                            Boolean.TRUE.equals(ensureAscii),
                            indent instanceof Number n ? Integer.valueOf(n.intValue()) : null,
                            separators instanceof List<?> pair ? pair : null,
                            Boolean.TRUE.equals(sortKeys)));
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, new Object[0], Map.of());
        }
    }

    /** jinja2's {@code trim(value, chars=None)}: {@code str(value).strip(chars)}, Python's whitespace included. */
    private static final class Trim implements Filter {

        @Override
        public String getName() {
            return "trim";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object chars = kwargs.getOrDefault("chars", args.length > 0 ? args[0] : null);
            String stripped = PythonStrings.strip(pythonStr(var), chars == null ? null : chars.toString(), true, true);
            return var instanceof SafeString ? new SafeString(stripped) : stripped;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return filter(var, interpreter, args, Map.of());
        }
    }

    /** jinja2's {@code items(mapping)}, which Jinjava lacks: the pairs a {@code for key, value in} loop takes. */
    private static final class Items implements Filter {

        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return List.of();
            }
            if (!(var instanceof Map<?, ?> map)) {
                throw new ELException("items: can only get items of a mapping, not "
                        + var.getClass().getSimpleName());
            }
            return new ArrayList<>(map.entrySet());
        }
    }

    /** jinja2's {@code iterable} and {@code sequence} tests, for which a string is both. */
    private record PythonTest(String name) implements ExpTest {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof CharSequence
                    || var instanceof SafeString
                    || var instanceof Iterable
                    || var instanceof Map
                    || (var != null && var.getClass().isArray());
        }
    }

    /**
     * {@code {% generation %}...{% endgeneration %}}: transformers' mark of an assistant turn for
     * {@code return_assistant_tokens_mask}, which renders its body unchanged (FuseFlow takes the
     * answer's span from the prompt boundary instead). A scope of its own, as jinja2's call block.
     */
    private static final class Generation implements Tag {

        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "generation";
        }

        @Override
        public String interpret(TagNode tagNode, JinjavaInterpreter interpreter) {
            StringBuilder out = new StringBuilder();
            try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
                for (Node child : tagNode.getChildren()) {
                    out.append(child.render(interpreter));
                }
            }
            return out.toString();
        }
    }
}
