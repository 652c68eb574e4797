// chatgtk::Linkify: message text to Pango markup with clickable links.
// Pure function, no GTK, unit-tested in tests/unit/linkify_test.cc.
#ifndef CHAT_GTKCLIENT_LINKIFY_H_
#define CHAT_GTKCLIENT_LINKIFY_H_

#include <string>
#include <string_view>

namespace chatgtk {

// Escapes &, <, >, " and ' for Pango markup (text and attribute values).
std::string EscapeMarkup(std::string_view text);

// Returns `text` (UTF-8) as Pango markup: every character escaped, and each
// URL starting with "http://", "https://" or "www." wrapped in
// <a href="...">; "www." links get "https://" in the href. Trailing
// sentence punctuation (".,;:!?'\"") and an unbalanced ")" are left out of the
// link. Invalid UTF-8 is passed through escaped byte by byte (GTK shows it as
// replacement characters); callers should validate first.
std::string Linkify(std::string_view text);

// The target of the first link Linkify would make in `text` (so "www."
// links get "https://"), "" when there is none. For "Copy Link".
std::string FirstLink(std::string_view text);

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_LINKIFY_H_
