package dev.fuseflow.trainer.tokenizer;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.tag.ForTag;
import com.hubspot.jinjava.tree.TagNode;
import com.hubspot.jinjava.util.ForLoop;
import com.hubspot.jinjava.util.ObjectIterator;
import com.hubspot.jinjava.util.ObjectTruthValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jinja2's {@code {% for x in items if condition %}}: the loop runs over the items the condition
 * keeps, and {@code loop.index}, {@code loop.last} count those only. Jinjava's {@code for} reads
 * {@code items if condition} as a conditional expression and keeps every item. The filter is the
 * loop expression's part after its first {@code if} outside brackets and quotes: jinja2 parses the
 * iterable without conditional expressions, so that {@code if} can only be the filter.
 */
final class FilteredForTag extends ForTag {

    private static final long serialVersionUID = 1L;

    /** Where ForTag splits the loop variables from the loop expression. */
    private static final Pattern IN = Pattern.compile("\\sin\\s");

    @Override
    public String interpretUnchecked(TagNode tagNode, JinjavaInterpreter interpreter) {
        String helpers = tagNode.getHelpers();
        Matcher in = IN.matcher(helpers);
        int filterAt = in.find() ? topLevelIf(helpers.substring(in.end())) : -1;
        if (filterAt < 0) {
            return super.interpretUnchecked(tagNode, interpreter);
        }
        List<String> vars = Arrays.stream(helpers.substring(0, in.start()).split(","))
                .map(String::trim)
                .toList();
        String expression = helpers.substring(in.end());
        Object items = interpreter.resolveELExpression(expression.substring(0, filterAt), tagNode.getLineNumber());
        String condition = expression.substring(filterAt + " if ".length());
        List<Object> kept = new ArrayList<>();
        ForLoop loop = ObjectIterator.getLoop(items);
        try (JinjavaInterpreter.InterpreterScopeClosable scope = interpreter.enterScope()) {
            while (loop.hasNext()) {
                Object item = loop.next();
                bind(vars, item, interpreter);
                if (ObjectTruthValue.evaluate(interpreter.resolveELExpression(condition, tagNode.getLineNumber()))) {
                    kept.add(item);
                }
            }
        }
        return renderForCollection(tagNode, interpreter, vars, kept);
    }

    /** The loop variables for one item: the item itself, or a key and value, or a pair's parts. */
    private static void bind(List<String> vars, Object item, JinjavaInterpreter interpreter) {
        if (vars.size() == 1) {
            interpreter.getContext().put(vars.get(0), item);
        } else if (item instanceof Map.Entry<?, ?> entry && vars.size() == 2) {
            interpreter.getContext().put(vars.get(0), entry.getKey());
            interpreter.getContext().put(vars.get(1), entry.getValue());
        } else if (item instanceof List<?> parts) {
            for (int i = 0; i < vars.size() && i < parts.size(); i++) {
                interpreter.getContext().put(vars.get(i), parts.get(i));
            }
        }
    }

    /** Where {@code " if "} first stands outside quotes and brackets in {@code expression}, or -1. */
    static int topLevelIf(String expression) {
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < expression.length(); i++) {
            char c = expression.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if ("'\"".indexOf(c) >= 0) {
                quote = c;
            } else if ("([{".indexOf(c) >= 0) {
                depth++;
            } else if (")]}".indexOf(c) >= 0) {
                depth--;
            } else if (depth == 0 && expression.startsWith(" if ", i)) {
                return i;
            }
        }
        return -1;
    }
}
