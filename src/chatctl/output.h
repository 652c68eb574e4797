// How chatctl shows a response: aligned tables and "key: value" records for
// people, JSON for scripts (--json). Values are strings in JSON.
#ifndef CHATCTL_OUTPUT_H_
#define CHATCTL_OUTPUT_H_

#include <cstdio>
#include <string>
#include <string_view>

#include "chatctl/table.h"
#include "libchat/control.h"

namespace chat::ctl {

// Prints a successful response (r.ok) in `shape`.
//   kMessage: the OK message (JSON: {"ok": true, "message": "..."}).
//   kRecord:  each row as aligned "key: value" lines (JSON: the row as an
//             object, or an array when there are several).
//   kTable:   a header of upper-cased keys and one line per row, columns
//             aligned, long cells cut (JSON: an array of objects, uncut).
void PrintResponse(FILE* out, const Response& r, Shape shape, bool json);

// A JSON string literal: control characters escaped, invalid UTF-8 bytes
// replaced by U+FFFD.
std::string JsonString(std::string_view s);

// For people: control characters shown as \t, \n, \xNN.
std::string Printable(std::string_view s);

}  // namespace chat::ctl

#endif  // CHATCTL_OUTPUT_H_
