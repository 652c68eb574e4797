#include "gtkclient/nick_color.h"

#include <cstdint>

namespace chatgtk {
namespace {

// Mid-tones of the GNOME palette (blue, green, yellow-brown, orange, red,
// purple, brown, teal...): dark enough for white, light enough for #242424.
constexpr const char* kPalette[] = {
    "#3584e4", "#2ec27e", "#c88800", "#e66100", "#e01b24", "#9141ac",
    "#986a44", "#1c9aa0", "#c64600", "#613583", "#26a269", "#1a5fb4",
};

}  // namespace

std::string NickColor(std::string_view nick) {
  // FNV-1a: cheap, stable across runs and platforms (std::hash is not).
  uint32_t hash = 2166136261u;
  for (char c : nick) {
    unsigned char b = static_cast<unsigned char>(c);
    if (b >= 'A' && b <= 'Z') b = static_cast<unsigned char>(b - 'A' + 'a');
    hash = (hash ^ b) * 16777619u;
  }
  constexpr uint32_t kCount = sizeof(kPalette) / sizeof(kPalette[0]);
  return kPalette[hash % kCount];
}

}  // namespace chatgtk
