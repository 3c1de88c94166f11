package dev.fuseflow.trainer.tokenizer;

import com.hubspot.jinjava.objects.SafeString;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELException;

/**
 * Python's {@code json.dumps} as transformers' {@code tojson} filter calls it ({@code
 * ensure_ascii=False} unless asked, {@code indent}, {@code separators}, {@code sort_keys}), so
 * that a template's JSON (Llama's tool turns, tool schemas) has Python's bytes: {@code ", "} and
 * {@code ": "} between items, lower-case <code>&#92;u001f</code> escapes for control characters, {@code
 * True} as {@code true}. Jinjava's own {@code tojson} writes Jackson's compact JSON instead.
 */
final class PythonJson {

    /** The options of {@code json.dumps} that {@code tojson} passes on. */
    record Options(boolean ensureAscii, Integer indent, String itemSeparator, String keySeparator, boolean sortKeys) {

        static Options of(boolean ensureAscii, Integer indent, List<?> separators, boolean sortKeys) {
            if (separators != null && separators.size() != 2) {
                throw new ELException("tojson: separators must be an (item_separator, key_separator) pair");
            }
            String item = separators != null ? String.valueOf(separators.get(0)) : indent != null ? "," : ", ";
            String key = separators != null ? String.valueOf(separators.get(1)) : ": ";
            return new Options(ensureAscii, indent, item, key, sortKeys);
        }
    }

    private PythonJson() {}

    static String dumps(Object value, Options options) {
        StringBuilder out = new StringBuilder();
        write(value, options, 0, out);
        return out.toString();
    }

    private static void write(Object value, Options options, int depth, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            writeObject(map, options, depth, out);
        } else if (value instanceof Iterable<?> items) {
            List<Object> list = new ArrayList<>();
            items.forEach(list::add);
            writeArray(list, options, depth, out);
        } else if (value instanceof Object[] array) {
            writeArray(List.of(array), options, depth, out);
        } else {
            writeScalar(value, options, out);
        }
    }

    private static void writeScalar(Object value, Options options, StringBuilder out) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (value instanceof String || value instanceof SafeString || value instanceof Character) {
            quote(value.toString(), options.ensureAscii(), out);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(pythonFloat(((Number) value).doubleValue()));
        } else if (value instanceof Number) {
            out.append(value);
        } else {
            throw new ELException(
                    "tojson: Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
        }
    }

    private static void writeArray(List<?> items, Options options, int depth, StringBuilder out) {
        if (items.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            out.append(i == 0 ? "" : options.itemSeparator());
            newline(options, depth + 1, out);
            write(items.get(i), options, depth + 1, out);
        }
        newline(options, depth, out);
        out.append(']');
    }

    private static void writeObject(Map<?, ?> map, Options options, int depth, StringBuilder out) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
        if (options.sortKeys()) {
            entries.sort((a, b) -> key(a.getKey()).compareTo(key(b.getKey())));
        }
        out.append('{');
        for (int i = 0; i < entries.size(); i++) {
            out.append(i == 0 ? "" : options.itemSeparator());
            newline(options, depth + 1, out);
            quote(key(entries.get(i).getKey()), options.ensureAscii(), out);
            out.append(options.keySeparator());
            write(entries.get(i).getValue(), options, depth + 1, out);
        }
        newline(options, depth, out);
        out.append('}');
    }

    /** A key as Python writes one: strings as they are, None/True/False and numbers as JSON would. */
    private static String key(Object key) {
        if (key == null) {
            return "null";
        }
        if (key instanceof Boolean b) {
            return b ? "true" : "false";
        }
        return key instanceof Double || key instanceof Float
                ? pythonFloat(((Number) key).doubleValue())
                : key.toString();
    }

    private static void newline(Options options, int depth, StringBuilder out) {
        if (options.indent() != null) {
            out.append('\n').append(" ".repeat(options.indent() * depth));
        }
    }

    /** A JSON string as Python's encoder writes it ({@code ensure_ascii} escapes every non-ASCII character). */
    static void quote(String s, boolean ensureAscii, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** {@code repr(float)}: the shortest digits, in exponent form below 1e-4 and from 1e16 on. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        String digits = exact.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent < -4 || exponent >= 16) {
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
        }
        String plain = exact.abs().toPlainString();
        return sign + (plain.contains(".") ? plain : plain + ".0");
    }
}
