// IRCv3 server-time timestamps for the client side: formatting and parsing
// "YYYY-MM-DDThh:mm:ss.sssZ" (https://ircv3.net/specs/extensions/server-time,
// ISO 8601 in UTC with millisecond precision). Pure functions, no clock.
#ifndef CHAT_LIBCHAT_CLIENT_TIME_H_
#define CHAT_LIBCHAT_CLIENT_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace chat::client {

// Formats ms since the Unix epoch (UTC) as "2024-05-01T12:00:00.000Z".
// Negative values are clamped to the epoch.
std::string FormatServerTime(int64_t ms);

// Parses a server-time value into ms since the epoch. Accepts
// "YYYY-MM-DDThh:mm:ss" with an optional ".f" fraction of 1..9 digits
// (milliseconds kept, the rest truncated) and a final 'Z'. Returns false
// (and leaves *ms alone) for anything else, including out-of-range fields.
bool ParseServerTime(std::string_view text, int64_t* ms);

}  // namespace chat::client

#endif  // CHAT_LIBCHAT_CLIENT_TIME_H_
