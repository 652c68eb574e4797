// Thumbnail decoding off the UI thread (thumbnail.h).
#include "gtkclient/files/thumbnail.h"

#include <gio/gio.h>
#include <glibmm.h>
#include <turbojpeg.h>

#include <algorithm>
#include <thread>

namespace chatgtk::files {
namespace {

bool IsJpeg(const std::string& b) {
  return b.size() > 3 && static_cast<unsigned char>(b[0]) == 0xFF && static_cast<unsigned char>(b[1]) == 0xD8 &&
         static_cast<unsigned char>(b[2]) == 0xFF;
}

// Scales `src` (consumed) into the box, keeping the aspect ratio.
GdkPixbuf* Fit(GdkPixbuf* src, int max_w, int max_h) {
  if (src == nullptr) return nullptr;
  const int w = gdk_pixbuf_get_width(src), h = gdk_pixbuf_get_height(src);
  if (w <= max_w && h <= max_h) return src;
  const double s = std::min(static_cast<double>(max_w) / w, static_cast<double>(max_h) / h);
  GdkPixbuf* out = gdk_pixbuf_scale_simple(src, std::max(1, static_cast<int>(w * s)),
                                           std::max(1, static_cast<int>(h * s)), GDK_INTERP_BILINEAR);
  g_object_unref(src);
  return out;
}

GdkPixbuf* DecodeJpeg(const std::string& bytes, int max_w, int max_h) {
  tjhandle tj = tjInitDecompress();
  if (tj == nullptr) return nullptr;
  int w = 0, h = 0, subsamp = 0, colorspace = 0;
  auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  GdkPixbuf* pix = nullptr;
  if (tjDecompressHeader3(tj, data, bytes.size(), &w, &h, &subsamp, &colorspace) == 0 && w > 0 && h > 0) {
    // The smallest scaling factor whose result still covers the box.
    int n = 0;
    tjscalingfactor* factors = tjGetScalingFactors(&n);
    int sw = w, sh = h;
    for (int i = 0; i < n; ++i) {
      const int fw = TJSCALED(w, factors[i]), fh = TJSCALED(h, factors[i]);
      if ((fw >= max_w || fh >= max_h || (fw == w && fh == h)) && fw * fh < sw * sh) {
        sw = fw;
        sh = fh;
      }
    }
    pix = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, sw, sh);
    if (pix != nullptr &&
        tjDecompress2(tj, data, bytes.size(), gdk_pixbuf_get_pixels(pix), sw, gdk_pixbuf_get_rowstride(pix), sh,
                      TJPF_RGB, TJFLAG_FASTDCT) != 0) {
      g_object_unref(pix);
      pix = nullptr;
    }
  }
  tjDestroy(tj);
  return Fit(pix, max_w, max_h);
}

}  // namespace

GdkPixbuf* DecodeThumbnailNow(const std::string& bytes, int max_w, int max_h) {
  if (bytes.empty() || max_w <= 0 || max_h <= 0) return nullptr;
  if (IsJpeg(bytes)) {
    if (GdkPixbuf* p = DecodeJpeg(bytes, max_w, max_h)) return p;
  }
  GInputStream* in = g_memory_input_stream_new_from_data(bytes.data(), static_cast<gssize>(bytes.size()), nullptr);
  GdkPixbuf* pix = gdk_pixbuf_new_from_stream_at_scale(in, max_w, max_h, TRUE, nullptr, nullptr);
  g_object_unref(in);
  return pix;
}

void DecodeThumbnail(std::shared_ptr<const std::string> bytes, int max_w, int max_h, std::shared_ptr<bool> alive,
                     std::function<void(GdkPixbuf*)> done) {
  std::thread([bytes = std::move(bytes), max_w, max_h, alive = std::move(alive), done = std::move(done)]() mutable {
    GdkPixbuf* pix = DecodeThumbnailNow(*bytes, max_w, max_h);
    // Back to the main loop (g_main_context_invoke is thread-safe).
    Glib::MainContext::get_default()->invoke([pix, alive = std::move(alive), done = std::move(done)] {
      if (*alive) {
        done(pix);
      } else if (pix != nullptr) {
        g_object_unref(pix);
      }
      return false;
    });
  }).detach();
}

}  // namespace chatgtk::files
