package dev.fuseflow.trainer.tokenizer;

import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.collections.PyList;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} on a template's strings: its methods ({@code content.startswith('<tool')},
 * {@code content.split('</think>')[-1].lstrip('\n')}) and indexing ({@code content[0]}), as jinja2
 * evaluates them on Python strings. Jinjava would call {@link String}'s Java methods instead,
 * where they exist at all ({@code split} takes a regular expression there, {@code strip} no
 * argument), and cannot index a string, so this resolver stands before Jinjava's own and answers
 * every method call on a string: the ones in {@link #METHODS} with Python's semantics, any other
 * by refusing the template, naming the method.
 */
final class PythonStrings extends ELResolver {

    private static final Pattern INDEX = Pattern.compile("-?\\d{1,9}");

    static final List<String> METHODS = List.of(
            "startswith",
            "endswith",
            "strip",
            "lstrip",
            "rstrip",
            "split",
            "rsplit",
            "upper",
            "lower",
            "title",
            "capitalize",
            "replace",
            "join");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String || base instanceof SafeString) || method == null) {
            return null;
        }
        Object result = call(base.toString(), method.toString(), params == null ? new Object[0] : params);
        context.setPropertyResolved(true);
        return result;
    }

    /** {@code s.method(*args)} as Python evaluates it. */
    static Object call(String s, String method, Object... args) {
        return switch (method) {
            case "startswith" -> affix(method, args, s::startsWith);
            case "endswith" -> affix(method, args, s::endsWith);
            case "strip" -> strip(s, chars(method, args), true, true);
            case "lstrip" -> strip(s, chars(method, args), true, false);
            case "rstrip" -> strip(s, chars(method, args), false, true);
            case "split" -> new PyList(new ArrayList<>(split(s, separator(method, args), maxSplit(args))));
            case "rsplit" -> new PyList(new ArrayList<>(rsplit(s, separator(method, args), maxSplit(args))));
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" -> capitalize(s);
            case "replace" -> replace(s, text(method, args, 0), text(method, args, 1), count(args));
            case "join" -> join(s, args);
            default ->
                throw new ELException("str." + method + "() is not a Python string method FuseFlow's Jinja engine"
                        + " renders (it renders " + String.join(", ", METHODS) + ")");
        };
    }

    /** Python's {@code str.isspace} for one code point: what {@code strip()} and {@code split()} remove. */
    static boolean isSpace(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint) || codePoint == 0x85;
    }

    /** {@code str.strip(chars)}: whitespace when {@code chars} is null, else any of its characters. */
    static String strip(String s, String chars, boolean left, boolean right) {
        IntPredicate stripped = chars == null
                ? PythonStrings::isSpace
                : cp -> chars.codePoints().anyMatch(c -> c == cp);
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped.test(s.codePointAt(start))) {
            start += Character.charCount(s.codePointAt(start));
        }
        while (right && end > start && stripped.test(s.codePointBefore(end))) {
            end -= Character.charCount(s.codePointBefore(end));
        }
        return s.substring(start, end);
    }

    /** {@code str.split(sep, maxsplit)}: on a literal separator, or on runs of whitespace when it is null. */
    static List<String> split(String s, String sep, int maxSplit) {
        if (sep == null) {
            return splitWhitespace(s, maxSplit);
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        int at = s.indexOf(sep);
        while (at >= 0 && (maxSplit < 0 || parts.size() < maxSplit)) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
            at = s.indexOf(sep, from);
        }
        parts.add(s.substring(from));
        return parts;
    }

    /** {@code str.rsplit(sep, maxsplit)}: as split, counting the splits from the right. */
    static List<String> rsplit(String s, String sep, int maxSplit) {
        if (maxSplit < 0) {
            return split(s, sep, maxSplit);
        }
        String reversed = new StringBuilder(s).reverse().toString();
        String reversedSep =
                sep == null ? null : new StringBuilder(sep).reverse().toString();
        List<String> parts = new ArrayList<>();
        for (String part : split(reversed, reversedSep, maxSplit)) {
            parts.add(new StringBuilder(part).reverse().toString());
        }
        Collections.reverse(parts);
        return parts;
    }

    private static List<String> splitWhitespace(String s, int maxSplit) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < s.length() && isSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            if (i >= s.length()) {
                return parts;
            }
            if (maxSplit >= 0 && parts.size() == maxSplit) {
                parts.add(s.substring(i));
                return parts;
            }
            int start = i;
            while (i < s.length() && !isSpace(s.codePointAt(i))) {
                i += Character.charCount(s.codePointAt(i));
            }
            parts.add(s.substring(start, i));
        }
    }

    /** {@code str.title()}: a cased character after an uncased one is title-cased, the others lowered. */
    static String title(String s) {
        StringBuilder out = new StringBuilder();
        boolean previousCased = false;
        for (int cp : s.codePoints().toArray()) {
            out.appendCodePoint(previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            previousCased = Character.isUpperCase(cp) || Character.isLowerCase(cp) || Character.isTitleCase(cp);
        }
        return out.toString();
    }

    private static String capitalize(String s) {
        if (s.isEmpty()) {
            return s;
        }
        int first = s.codePointAt(0);
        return new StringBuilder()
                .appendCodePoint(Character.toTitleCase(first))
                .append(s.substring(Character.charCount(first)).toLowerCase(Locale.ROOT))
                .toString();
    }

    /** {@code str.replace(old, new, count)}; an empty {@code old} inserts {@code new} around every character. */
    static String replace(String s, String old, String replacement, int count) {
        int limit = count < 0 ? Integer.MAX_VALUE : count;
        StringBuilder out = new StringBuilder();
        int from = 0;
        int done = 0;
        if (old.isEmpty()) {
            int[] codePoints = s.codePoints().toArray();
            for (int i = 0; i <= codePoints.length; i++) {
                if (done++ < limit) {
                    out.append(replacement);
                }
                if (i < codePoints.length) {
                    out.appendCodePoint(codePoints[i]);
                }
            }
            return out.toString();
        }
        for (int at = s.indexOf(old); at >= 0 && done < limit; at = s.indexOf(old, from), done++) {
            out.append(s, from, at).append(replacement);
            from = at + old.length();
        }
        return out.append(s.substring(from)).toString();
    }

    private static String join(String separator, Object[] args) {
        if (args.length != 1 || !(args[0] instanceof Iterable<?> items)) {
            throw new ELException("str.join() takes one iterable of strings");
        }
        List<String> parts = new ArrayList<>();
        for (Object item : items) {
            if (!(item instanceof String || item instanceof SafeString)) {
                throw new ELException("str.join(): sequence item " + parts.size() + ": expected str instance, found "
                        + (item == null ? "None" : item.getClass().getSimpleName()));
            }
            parts.add(item.toString());
        }
        return String.join(separator, parts);
    }

    /** startswith/endswith: one string, or a tuple of strings any of which may match. */
    private static boolean affix(String method, Object[] args, Predicate<String> test) {
        if (args.length != 1) {
            throw new ELException("str." + method + "() with start and end positions is not rendered by FuseFlow's"
                    + " Jinja engine; it takes one prefix or a tuple of them");
        }
        if (args[0] instanceof Iterable<?> options) {
            for (Object option : options) {
                if (test.test(String.valueOf(option))) {
                    return true;
                }
            }
            return false;
        }
        return test.test(text(method, args, 0));
    }

    private static String chars(String method, Object[] args) {
        return args.length == 0 || args[0] == null ? null : text(method, args, 0);
    }

    private static String separator(String method, Object[] args) {
        String sep = chars(method, args);
        if (sep != null && sep.isEmpty()) {
            throw new ELException("str." + method + "(): empty separator");
        }
        return sep;
    }

    private static int maxSplit(Object[] args) {
        return args.length > 1 && args[1] instanceof Number n ? n.intValue() : -1;
    }

    private static int count(Object[] args) {
        return args.length > 2 && args[2] instanceof Number n ? n.intValue() : -1;
    }

    private static String text(String method, Object[] args, int i) {
        if (args.length <= i || !(args[i] instanceof String || args[i] instanceof SafeString)) {
            throw new ELException("str." + method + "() argument " + (i + 1) + " must be str, not "
                    + (args.length <= i || args[i] == null
                            ? "None"
                            : args[i].getClass().getSimpleName()));
        }
        return args[i].toString();
    }

    /**
     * {@code s[i]}: the code point at {@code i}, counted from the end when negative; none past
     * either end. Jinjava hands the index over as its text ("1", "-1").
     */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        if (!(base instanceof String || base instanceof SafeString)
                || property == null
                || !INDEX.matcher(property.toString()).matches()) {
            return null;
        }
        context.setPropertyResolved(true);
        int[] codePoints = base.toString().codePoints().toArray();
        int index = Integer.parseInt(property.toString());
        int at = index < 0 ? index + codePoints.length : index;
        return at < 0 || at >= codePoints.length ? null : new String(codePoints, at, 1);
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // strings have no writable properties; the resolvers after this one report it
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
