// libFuzzer target for the parsing chatd adds around wslay's framing:
// Sec-WebSocket-Extensions negotiation (RFC 7692 §7.1) and the inflation of
// a client's compressed messages (§7.2.2). The first byte picks the mode.
// Negotiation must never accept window bits outside 8..15 (server 9..15)
// and its response must itself negotiate to the same parameters;
// inflation must never produce more than its cap, whatever the input.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/http/permessage_deflate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    std::vector<std::string> offers;
    std::size_t nl;
    while ((nl = in.find('\n')) != std::string_view::npos) {
      offers.emplace_back(in.substr(0, nl));
      in.remove_prefix(nl + 1);
    }
    offers.emplace_back(in);
    std::string response;
    auto p = chat::http::NegotiateDeflate(offers, 11, &response);
    if (!p) return 0;
    if (p->server_max_window_bits < 9 || p->server_max_window_bits > 11) abort();
    if (p->client_max_window_bits < 8 || p->client_max_window_bits > 15) abort();
    std::string again;
    auto q = chat::http::NegotiateDeflate({response}, 11, &again);
    if (!q || again != response || q->server_max_window_bits != p->server_max_window_bits) abort();
    return 0;
  }
  chat::http::DeflateParams params;
  params.client_max_window_bits = 8 + (data[0] >> 1) % 8;
  chat::http::MessageInflater inflater(params);
  std::string out;
  constexpr std::size_t kCap = 64 * 1024;
  // Two messages through the same inflater (context takeover).
  std::size_t half = in.size() / 2;
  for (std::string_view part : {in.substr(0, half), in.substr(half)}) {
    auto r = inflater.Decompress(part, kCap, &out);
    if (out.size() > kCap) abort();
    if (r != chat::http::MessageInflater::Result::kOk) break;
  }
  return 0;
}
