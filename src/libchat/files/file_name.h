// File names and media types of shared files: what an uploader sends is
// hostile input that later appears in URLs, Content-Disposition headers,
// chat messages and the downloader's file system. Pure functions.
#ifndef CHAT_LIBCHAT_FILES_FILE_NAME_H_
#define CHAT_LIBCHAT_FILES_FILE_NAME_H_

#include <string>
#include <string_view>

namespace chat::files {

inline constexpr std::size_t kMaxFileNameBytes = 200;

// Makes an uploaded name safe to store and show (UTF-8 in, UTF-8 out):
//  - only the part after the last '/' or '\\' is kept (no path traversal);
//  - invalid UTF-8 bytes, C0 and C1 controls, DEL, and the Unicode format
//    characters that reorder or hide text (U+061C, U+200B-U+200F,
//    U+202A-U+202E, U+2060-U+2069, U+FEFF) become '_';
//  - leading dots and spaces and trailing spaces and dots are removed, so
//    the result is never "." or ".." or a hidden file;
//  - longer than kMaxFileNameBytes: cut on a character boundary, keeping
//    the extension (up to 16 bytes) when there is one;
//  - nothing left gives "file".
std::string SanitizeFileName(std::string_view name);

// Normalises a Content-Type value to "type/subtype" in lower case without
// parameters (RFC 9110 §8.3.1). Anything that is not token "/" token gives
// "application/octet-stream".
std::string NormalizeMediaType(std::string_view content_type);

// Whether a download of this (normalised) media type may be shown inline in
// a browser: raster images (png, jpeg, gif, webp, apng, avif), audio (aac,
// mp4, mpeg, ogg, webm, wav, flac), video (mp4, ogg, webm) and text/plain —
// the list soju uses. SVG, HTML, PDF and everything else are served as
// attachments.
bool IsInlineSafe(std::string_view media_type);

// The Content-Type to send for a stored media type: text/plain gets
// "; charset=utf-8" (chatd never sniffs), the rest is sent as stored.
std::string ResponseContentType(std::string_view media_type);

}  // namespace chat::files

#endif  // CHAT_LIBCHAT_FILES_FILE_NAME_H_
