package dev.fuseflow.producers.gateway;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the gateway checks of a request before it reads events from it, each refusal a
 * {@link RefusedRequestException} naming the field and the problem: the request id's form, the
 * content type (415), the body's size while it streams in, whatever the transfer encoding (413),
 * its UTF-8, and that it holds exactly one JSON document (400).
 */
final class RequestReader {

    static final String REQUEST_ID = "X-Request-Id";
    static final String CONTENT_TYPE = "Content-Type";
    static final int MAX_REQUEST_ID_LENGTH = 128;

    /** Letters, digits and the punctuation of UUIDs, trace ids and ULIDs: safe in a header and a log line. */
    private static final Pattern REQUEST_ID_CHARACTERS = Pattern.compile("[A-Za-z0-9._:@+=/-]+");

    private RequestReader() {}

    /** The caller's request id, or null when it sent none; refused when too long or not plain text. */
    static String requestId(Context ctx) {
        String id = ctx.header(REQUEST_ID);
        if (id == null || id.isEmpty()) {
            return null;
        }
        if (id.length() > MAX_REQUEST_ID_LENGTH) {
            throw new RefusedRequestException(
                    400, REQUEST_ID, "has " + id.length() + " characters, above the limit of " + MAX_REQUEST_ID_LENGTH);
        }
        if (!REQUEST_ID_CHARACTERS.matcher(id).matches()) {
            throw new RefusedRequestException(
                    400, REQUEST_ID, "may hold only letters, digits and . _ : @ + = / - (a UUID, a trace id)");
        }
        return id;
    }

    /**
     * Refuses (415) a body that is not {@code mediaType} in UTF-8: a form or {@code text/plain} post
     * is what a browser sends cross-site without a preflight, so those never reach the parser.
     */
    static void requireContentType(Context ctx, String mediaType) {
        String header = ctx.header(CONTENT_TYPE);
        if (header == null || header.isBlank()) {
            throw new RefusedRequestException(415, CONTENT_TYPE, "is missing; it must be " + mediaType);
        }
        String given = header.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!given.equals(mediaType)) {
            throw new RefusedRequestException(415, CONTENT_TYPE, "must be " + mediaType + ", was " + given);
        }
        String charset = ctx.req().getCharacterEncoding();
        if (charset != null && !charset.strip().equalsIgnoreCase("utf-8")) {
            throw new RefusedRequestException(
                    415, CONTENT_TYPE, "must have charset UTF-8 (or none), was charset " + charset);
        }
    }

    /**
     * The body as text, read while it streams in: at most {@code maxBytes + 1} bytes are ever read,
     * so a chunked body (no Content-Length) above the limit is refused (413) after the limit, not
     * after it was held in memory. Bytes that are not UTF-8 are refused (400), not replaced.
     */
    static String body(Context ctx, int maxBytes) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(declared + " bytes", maxBytes);
        }
        InputStream in = ctx.req().getInputStream();
        byte[] bytes = in.readNBytes(maxBytes + 1);
        if (bytes.length > maxBytes) {
            throw tooLarge("more than " + maxBytes + " bytes", maxBytes);
        }
        return utf8(bytes);
    }

    private static RefusedRequestException tooLarge(String size, int maxBytes) {
        return new RefusedRequestException(
                413, "body", "has " + size + ", above the limit of " + maxBytes + " (gateway.max-body-bytes)");
    }

    static String utf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        // UTF-8 never decodes to more chars than it has bytes.
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new RefusedRequestException(
                    400,
                    "body",
                    "is not UTF-8: byte 0x%02X at offset %d starts no valid sequence"
                            .formatted(bytes[in.position()] & 0xFF, in.position()));
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** Exactly one JSON document ({@code json} fails on trailing tokens); anything else is a 400 naming {@code field}. */
    static JsonNode document(ObjectMapper json, String text, String field) {
        try {
            return json.readTree(text);
        } catch (MismatchedInputException e) {
            // Reading a tree matches any value: the one mismatch left is a token after the document.
            throw new RefusedRequestException(
                    400, field, "has more after its JSON document ends" + at(e.getLocation()) + ": one is expected");
        } catch (JsonProcessingException e) {
            throw new RefusedRequestException(
                    400, field, "is not JSON: " + e.getOriginalMessage() + at(e.getLocation()));
        }
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
