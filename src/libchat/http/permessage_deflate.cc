// permessage-deflate negotiation and message (de)compression
// (permessage_deflate.h; RFC 7692, RFC 6455 §9.1).
#include "libchat/http/permessage_deflate.h"

#include <cstdlib>
#include <optional>

#include "libchat/http/request.h"

namespace chat::http {
namespace {

// The tail a sync flush leaves, stripped on send and put back on receive
// (RFC 7692 §7.2.1, §7.2.2).
constexpr unsigned char kTail[4] = {0x00, 0x00, 0xff, 0xff};

struct Param {
  std::string name;
  std::optional<std::string> value;
};
struct Offer {
  std::string name;
  std::vector<Param> params;
};

bool IsTokenChar(char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  static constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={}";
  return kSeparators.find(c) == std::string_view::npos;
}

// A cursor over the extension list (RFC 6455 §9.1).
class ListParser {
 public:
  explicit ListParser(std::string_view s) : s_(s) {}

  // Parses everything; false on any syntax error.
  bool Parse(std::vector<Offer>* out) {
    for (;;) {
      SkipSpace();
      if (Done()) return true;
      if (Peek() == ',') {  // empty list elements are allowed (RFC 9110 §5.6.1)
        ++i_;
        continue;
      }
      Offer o;
      if (!Token(&o.name)) return false;
      for (;;) {
        SkipSpace();
        if (Done() || Peek() == ',') break;
        if (Peek() != ';') return false;
        ++i_;
        SkipSpace();
        Param p;
        if (!Token(&p.name)) return false;
        SkipSpace();
        if (!Done() && Peek() == '=') {
          ++i_;
          SkipSpace();
          std::string v;
          if (!Done() && Peek() == '"') {
            if (!Quoted(&v)) return false;
          } else if (!Token(&v)) {
            return false;
          }
          p.value = std::move(v);
        }
        o.params.push_back(std::move(p));
      }
      out->push_back(std::move(o));
    }
  }

 private:
  bool Done() const { return i_ >= s_.size(); }
  char Peek() const { return s_[i_]; }
  void SkipSpace() {
    while (!Done() && (Peek() == ' ' || Peek() == '\t')) ++i_;
  }
  bool Token(std::string* out) {
    std::size_t start = i_;
    while (!Done() && IsTokenChar(Peek())) ++i_;
    if (i_ == start) return false;
    out->assign(s_.substr(start, i_ - start));
    return true;
  }
  // A quoted-string whose content must itself be a token (§9.1).
  bool Quoted(std::string* out) {
    ++i_;  // the opening quote
    out->clear();
    while (!Done() && Peek() != '"') {
      char c = Peek();
      if (c == '\\') {
        ++i_;
        if (Done()) return false;
        c = Peek();
      }
      out->push_back(c);
      ++i_;
    }
    if (Done()) return false;
    ++i_;  // the closing quote
    if (out->empty()) return false;
    for (char c : *out) {
      if (!IsTokenChar(c)) return false;
    }
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// 8..15 written as plain decimal digits ("1*DIGIT" without leading zero).
bool WindowBits(const std::string& v, int* out) {
  if (v.empty() || v.size() > 2 || v[0] == '0') return false;
  int n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  if (n < 8 || n > 15) return false;
  *out = n;
  return true;
}

// Agreement on one offer, or nullopt to decline it (RFC 7692 §7.1).
std::optional<DeflateParams> Accept(const Offer& o, int window_bits, std::string* response) {
  DeflateParams p;
  bool seen[4] = {false, false, false, false};
  bool client_bits_supported = false;
  int server_limit = 15;
  int client_limit = 15;
  bool server_limited = false;
  for (const Param& param : o.params) {
    int idx;
    if (param.name == "server_no_context_takeover") {
      idx = 0;
      if (param.value) return std::nullopt;
      p.server_no_context_takeover = true;
    } else if (param.name == "client_no_context_takeover") {
      idx = 1;
      if (param.value) return std::nullopt;
      p.client_no_context_takeover = true;
    } else if (param.name == "server_max_window_bits") {
      idx = 2;
      if (!param.value || !WindowBits(*param.value, &server_limit)) return std::nullopt;
      server_limited = true;
    } else if (param.name == "client_max_window_bits") {
      idx = 3;
      client_bits_supported = true;
      if (param.value && !WindowBits(*param.value, &client_limit)) return std::nullopt;
    } else {
      return std::nullopt;  // unknown parameter (§7.1)
    }
    if (seen[idx]) return std::nullopt;  // repeated parameter
    seen[idx] = true;
  }
  // zlib's raw deflate turns a window of 8 into 9, which a client limited
  // to 8 could not inflate: decline such an offer (§7.1.2.1 allows it).
  if (server_limited && server_limit < 9) return std::nullopt;
  p.server_max_window_bits = std::min(server_limit, window_bits);
  p.client_max_window_bits = client_bits_supported ? std::min(client_limit, window_bits) : 15;

  std::string r = "permessage-deflate";
  if (p.server_no_context_takeover) r += "; server_no_context_takeover";
  if (p.client_no_context_takeover) r += "; client_no_context_takeover";
  if (server_limited || p.server_max_window_bits < 15) {
    r += "; server_max_window_bits=" + std::to_string(p.server_max_window_bits);
  }
  if (client_bits_supported && p.client_max_window_bits < 15) {
    r += "; client_max_window_bits=" + std::to_string(p.client_max_window_bits);
  }
  *response = std::move(r);
  return p;
}

}  // namespace

std::optional<DeflateParams> NegotiateDeflate(const std::vector<std::string>& offers, int window_bits,
                                              std::string* response) {
  if (window_bits < 9) window_bits = 9;
  if (window_bits > 15) window_bits = 15;
  std::vector<Offer> parsed;
  for (const std::string& value : offers) {
    if (!ListParser(value).Parse(&parsed)) return std::nullopt;
  }
  for (const Offer& o : parsed) {
    if (!EqualsIgnoreCase(o.name, "permessage-deflate")) continue;
    std::optional<DeflateParams> p = Accept(o, window_bits, response);
    if (p) return p;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- deflate

MessageDeflater::MessageDeflater(const DeflateParams& params, int mem_level)
    : reset_each_(params.server_no_context_takeover) {
  // Negative windowBits: raw DEFLATE, no zlib header (RFC 7692 §7.2.1).
  if (deflateInit2(&z_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -params.server_max_window_bits, mem_level,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    abort();
  }
}

MessageDeflater::~MessageDeflater() { deflateEnd(&z_); }

bool MessageDeflater::Compress(std::string_view message, std::string* out) {
  out->clear();
  out->resize(deflateBound(&z_, message.size()) + 16);
  z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
  z_.avail_in = static_cast<uInt>(message.size());
  std::size_t produced = 0;
  for (;;) {
    z_.next_out = reinterpret_cast<Bytef*>(&(*out)[produced]);
    z_.avail_out = static_cast<uInt>(out->size() - produced);
    int rc = deflate(&z_, Z_SYNC_FLUSH);
    produced = out->size() - z_.avail_out;
    if (rc != Z_OK && rc != Z_BUF_ERROR) abort();  // only on a corrupted stream state
    if (z_.avail_in == 0 && z_.avail_out > 0) break;
    out->resize(out->size() * 2);
  }
  out->resize(produced);
  if (out->size() >= 4 && std::string_view(*out).substr(out->size() - 4) ==
                              std::string_view(reinterpret_cast<const char*>(kTail), 4)) {
    out->resize(out->size() - 4);
  }
  if (reset_each_) {
    deflateReset(&z_);
    if (out->size() >= message.size()) return false;
  }
  return true;
}

// ---------------------------------------------------------------- inflate

MessageInflater::MessageInflater(const DeflateParams& params) {
  if (inflateInit2(&z_, -params.client_max_window_bits) != Z_OK) abort();
}

MessageInflater::~MessageInflater() { inflateEnd(&z_); }

MessageInflater::Result MessageInflater::Decompress(std::string_view payload, std::size_t max_bytes,
                                                    std::string* out) {
  out->clear();
  // Feed the payload, then the tail the sender stripped (§7.2.2).
  std::string_view parts[2] = {payload, std::string_view(reinterpret_cast<const char*>(kTail), 4)};
  char buf[16384];
  for (std::string_view part : parts) {
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
    z_.avail_in = static_cast<uInt>(part.size());
    do {
      z_.next_out = reinterpret_cast<Bytef*>(buf);
      z_.avail_out = sizeof buf;
      int rc = inflate(&z_, Z_SYNC_FLUSH);
      std::size_t got = sizeof buf - z_.avail_out;
      if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR) return Result::kCorrupt;
      if (out->size() + got > max_bytes) return Result::kTooBig;
      out->append(buf, got);
      if (rc == Z_STREAM_END) {
        // A final block (BFINAL) ended the sender's stream: the next
        // message starts a fresh one; what follows in this one is ignored.
        inflateReset(&z_);
        return Result::kOk;
      }
      if (rc == Z_BUF_ERROR) break;  // no progress possible: the input is used up
    } while (z_.avail_in > 0 || z_.avail_out == 0);
  }
  return Result::kOk;
}

}  // namespace chat::http
