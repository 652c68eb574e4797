// The control protocol spoken over chatd's UNIX control socket by chatctl
// (doc/control.md): encoding and decoding of request and response lines.
// Pure: no sockets, no files; the daemon (src/chatd/control/control.cc) and chatctl
// (src/chatctl/client.cc) do the I/O and frame bytes into lines with
// chat::irc::LineFramer(kMaxLineBytes - 1).
//
// A line is at most kMaxLineBytes bytes including its LF. Fields are
// separated by TAB; inside a field, backslash, TAB, LF, CR and NUL are
// escaped ("\\", "\t", "\n", "\r", "\0"), every other byte is itself, so any
// UTF-8 string (and any byte string) survives a round trip.
//
//   request   = field *(TAB field) TAB        the command words, then the
//                                             arguments; the final TAB marks
//                                             the line as fields
//             / words                         any other line: shell-like words
//                                             (SplitWords), for people typing
//                                             into socat
//   response  = *("ROW" *(TAB key "=" value)) ("OK" [TAB message] / "ERR" TAB code TAB message)
#ifndef CHAT_LIBCHAT_CONTROL_H_
#define CHAT_LIBCHAT_CONTROL_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "libchat/status.h"

namespace chat::ctl {

// Longest line either side may send, including the terminating LF.
inline constexpr std::size_t kMaxLineBytes = 64 * 1024;

// Where chatd listens and chatctl connects when [control] socket is unset.
inline constexpr const char* kDefaultSocket = "/run/chatd/control.sock";

// ERR codes (doc/control.md lists them with their meaning). chatctl exits 4
// on kErrPermission, 2 on kErrUsage and kErrUnknownCommand, 1 on the others.
inline constexpr const char* kErrUsage = "usage";                    // wrong arguments
inline constexpr const char* kErrUnknownCommand = "unknown-command";
inline constexpr const char* kErrPermission = "permission";          // peer not allowed
inline constexpr const char* kErrNotFound = "not-found";             // no such user/channel/nick
inline constexpr const char* kErrExists = "exists";                  // already exists
inline constexpr const char* kErrInvalid = "invalid";                // a bad name, mode, password...
inline constexpr const char* kErrMalformed = "malformed";            // undecodable request line
inline constexpr const char* kErrTooLong = "too-long";               // line over kMaxLineBytes
inline constexpr const char* kErrFailed = "failed";                  // the server could not do it (I/O, store)

// Field escaping (see the top of this file).
std::string EscapeField(std::string_view raw);
// False for a backslash followed by anything but \ t n r 0, or at the end.
bool UnescapeField(std::string_view escaped, std::string* out);

// Shell-like splitting of a line typed by a person: words separated by runs
// of spaces and TABs; 'single quotes' keep everything literally; "double quotes" keep
// everything but \" and \\ (which stand for " and \); outside quotes a
// backslash makes the next byte literal. InvalidArgument for an unterminated
// quote or a trailing backslash. An empty or blank line gives no words.
chat::Status SplitWords(std::string_view line, std::vector<std::string>* words);

// Encodes a request (the command words followed by the arguments, e.g.
// {"users", "show", "alice"}) as one line: the escaped fields joined by TAB,
// then TAB and LF. InvalidArgument when
// `args` is empty or the line would exceed kMaxLineBytes.
chat::Result<std::string> EncodeRequest(const std::vector<std::string>& args);

// Decodes a request line (without its LF; one trailing CR is ignored). A
// line ending in TAB is escaped fields (that TAB dropped, the rest split at
// each TAB); any other line is split with SplitWords, so "users show alice"
// works from a terminal. Fails with
// Protocol for bad escapes or quoting, an empty request, a line longer than
// kMaxLineBytes - 1, or arguments that are not valid UTF-8.
chat::Status DecodeRequest(std::string_view line, std::vector<std::string>* args);

// One data row: ordered key=value pairs. Keys are non-empty, made of
// [a-z0-9_-]; values are any bytes.
using Row = std::vector<std::pair<std::string, std::string>>;

// "ROW\tk=v..." with LF. InvalidArgument for a bad key or a line over
// kMaxLineBytes.
chat::Result<std::string> EncodeRow(const Row& row);
// "OK\n", or "OK\t<message>\n" when message is non-empty.
std::string EncodeOk(std::string_view message);
// "ERR\t<code>\t<message>\n". The code should be one of kErr*; the message
// is cut (at a UTF-8 boundary) so the line fits kMaxLineBytes.
std::string EncodeErr(std::string_view code, std::string_view message);

// A whole response as chatctl sees it.
struct Response {
  std::vector<Row> rows;
  bool ok = false;
  std::string code;     // the ERR code; empty when ok
  std::string message;  // OK's optional message or ERR's message
};

// Collects the lines of one response. Not thread-safe.
class ResponseParser {
 public:
  // Feeds one line without its LF (a trailing CR is ignored). Protocol error
  // for an unknown line type, a bad escape, a ROW field without '=' or with
  // a bad key, an ERR without code or message, a line over kMaxLineBytes - 1,
  // or any line after OK/ERR.
  chat::Status Feed(std::string_view line);
  // True once OK or ERR was fed.
  bool done() const { return done_; }
  const Response& response() const { return response_; }

 private:
  bool done_ = false;
  Response response_;
};

// The value of `key` in row, or nullptr.
const std::string* FindField(const Row& row, std::string_view key);

}  // namespace chat::ctl

#endif  // CHAT_LIBCHAT_CONTROL_H_
