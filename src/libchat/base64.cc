// Base64Encode / Base64Decode (base64.h): strict RFC 4648 §4 base64.
#include "libchat/base64.h"

#include <cstdint>

namespace chat::sasl {

namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The 6-bit value of c, or -1 when c is not in the standard alphabet.
int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string Base64Encode(std::string_view raw) {
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(raw[i])) << 16 |
                 static_cast<uint32_t>(static_cast<unsigned char>(raw[i + 1])) << 8 |
                 static_cast<unsigned char>(raw[i + 2]);
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += kAlphabet[n >> 6 & 63];
    out += kAlphabet[n & 63];
  }
  std::size_t rest = raw.size() - i;
  if (rest == 1) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(raw[i])) << 16;
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(raw[i])) << 16 |
                 static_cast<uint32_t>(static_cast<unsigned char>(raw[i + 1])) << 8;
    out += kAlphabet[n >> 18 & 63];
    out += kAlphabet[n >> 12 & 63];
    out += kAlphabet[n >> 6 & 63];
    out += '=';
  }
  return out;
}

bool Base64Decode(std::string_view text, std::string* raw) {
  raw->clear();
  if (text.size() % 4 != 0) return false;
  raw->reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    // Padding: only in the final quantum, as "xx==" or "xxx=".
    std::size_t pad = 0;
    if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
    int s[4] = {0, 0, 0, 0};
    for (std::size_t j = 0; j < 4 - pad; ++j) {
      s[j] = Sextet(text[i + j]);
      if (s[j] < 0) return false;  // bad character, or '=' out of place
    }
    uint32_t n = static_cast<uint32_t>(s[0]) << 18 | static_cast<uint32_t>(s[1]) << 12 |
                 static_cast<uint32_t>(s[2]) << 6 | static_cast<uint32_t>(s[3]);
    raw->push_back(static_cast<char>(n >> 16 & 0xff));
    if (pad == 2) {
      if ((n & 0xffff) != 0) return false;  // non-zero bits before "=="
      continue;
    }
    raw->push_back(static_cast<char>(n >> 8 & 0xff));
    if (pad == 1) {
      if ((n & 0xff) != 0) return false;  // non-zero bits before "="
      continue;
    }
    raw->push_back(static_cast<char>(n & 0xff));
  }
  return true;
}

}  // namespace chat::sasl
