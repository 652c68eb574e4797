// permessage-deflate (RFC 7692) for chatd's WebSockets: the server's side
// of the extension negotiation (§5, §7.1) and the per-connection message
// compressor and decompressor (§7.2) over zlib's raw DEFLATE. Pure: no
// I/O, no clock; each object belongs to one connection and one thread.
#ifndef CHAT_LIBCHAT_HTTP_PERMESSAGE_DEFLATE_H_
#define CHAT_LIBCHAT_HTTP_PERMESSAGE_DEFLATE_H_

#include <zlib.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::http {

// What both sides agreed on for one connection.
struct DeflateParams {
  // The server resets its compressor after every message (§7.1.1.1).
  bool server_no_context_takeover = false;
  // The client resets its compressor after every message (§7.1.1.2).
  // chatd's decompressor works either way; the flag is only echoed.
  bool client_no_context_takeover = false;
  // LZ77 window (base-2 log) the server compresses with, 9..15 (§7.1.2.1).
  int server_max_window_bits = 15;
  // The window the client compresses with, 8..15 (§7.1.2.2); the
  // decompressor is sized for it.
  int client_max_window_bits = 15;
};

// Picks the first acceptable permessage-deflate offer among the elements
// of the client's Sec-WebSocket-Extensions fields (`offers`: the field
// values in order, each possibly a comma-separated list; RFC 6455 §9.1
// grammar, quoted parameter values allowed). An offer is declined (the
// next one is tried, §5.1) when it has an unknown or repeated parameter,
// a parameter value that is not allowed (window bits outside 8..15, a
// value on a flag), or asks for server_max_window_bits=8 (zlib cannot
// produce a 256-byte window). Other extensions are ignored. `window_bits`
// (9..15) is the largest window the server wants for either direction: it
// is offered as server_max_window_bits when the client set no lower
// limit, and as client_max_window_bits when the client said it supports
// that parameter. On success returns the agreed parameters and sets
// *response to the Sec-WebSocket-Extensions value to answer with
// ("permessage-deflate; server_max_window_bits=12"); nullopt when no offer
// is acceptable (the response then has no such field, §9.1). A header
// that does not parse at all is treated like no offer.
std::optional<DeflateParams> NegotiateDeflate(const std::vector<std::string>& offers, int window_bits,
                                              std::string* response);

// Compresses whole messages for one connection (RFC 7692 §7.2.1).
class MessageDeflater {
 public:
  // `mem_level` is zlib's memLevel (1..9): memory is about
  // 2^(window+2) + 2^(mem_level+9) bytes. Aborts if zlib cannot allocate
  // its state (out of memory is not survivable here anyway).
  MessageDeflater(const DeflateParams& params, int mem_level);
  ~MessageDeflater();
  MessageDeflater(const MessageDeflater&) = delete;
  MessageDeflater& operator=(const MessageDeflater&) = delete;

  // Replaces *out with the compressed payload of `message` (the DEFLATE
  // blocks ending in an empty stored block, minus its 00 00 FF FF tail,
  // §7.2.1) and returns true. Returns false when the result would not be
  // smaller than the message and server_no_context_takeover is in effect:
  // the caller then sends the message uncompressed (RSV1 clear, §6). With
  // context takeover it always compresses, since the client's window must
  // hold every byte the server's window holds.
  bool Compress(std::string_view message, std::string* out);

 private:
  z_stream z_{};
  bool reset_each_ = false;
};

// Decompresses whole messages for one connection (RFC 7692 §7.2.2).
class MessageInflater {
 public:
  explicit MessageInflater(const DeflateParams& params);
  ~MessageInflater();
  MessageInflater(const MessageInflater&) = delete;
  MessageInflater& operator=(const MessageInflater&) = delete;

  enum class Result {
    kOk,       // *out holds the message
    kTooBig,   // it inflates to more than max_bytes: close with 1009
    kCorrupt,  // not valid DEFLATE data: close with 1007
  };
  // Replaces *out with the message whose compressed payload is `payload`
  // (RSV1 was set on its first frame). Never writes more than `max_bytes`
  // into *out, whatever the compression ratio (a "zip bomb" stops there).
  // After kTooBig or kCorrupt the object is unusable: close the connection.
  Result Decompress(std::string_view payload, std::size_t max_bytes, std::string* out);

 private:
  z_stream z_{};
};

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_PERMESSAGE_DEFLATE_H_
