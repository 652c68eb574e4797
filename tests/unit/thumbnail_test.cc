// Tests for chat-gtk's thumbnail decoding (src/gtkclient/files/thumbnail.h):
// JPEG through libjpeg-turbo with scale-on-decode, PNG through gdk-pixbuf,
// and bytes that are no picture.
#include "gtkclient/files/thumbnail.h"

#include <turbojpeg.h>

#include <string>
#include <vector>

#include "CppUTest/TestHarness.h"

using chatgtk::files::DecodeThumbnailNow;

namespace {

// An RGB gradient of w x h pixels.
std::vector<unsigned char> Gradient(int w, int h) {
  std::vector<unsigned char> px(static_cast<std::size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      unsigned char* p = &px[(static_cast<std::size_t>(y) * w + x) * 3];
      p[0] = static_cast<unsigned char>(255 * x / w);
      p[1] = static_cast<unsigned char>(255 * y / h);
      p[2] = 128;
    }
  }
  return px;
}

std::string Jpeg(int w, int h) {
  std::vector<unsigned char> px = Gradient(w, h);
  tjhandle tj = tjInitCompress();
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int rc = tjCompress2(tj, px.data(), w, 0, h, TJPF_RGB, &out, &size, TJSAMP_420, 85, 0);
  std::string bytes = rc == 0 ? std::string(reinterpret_cast<char*>(out), size) : std::string();
  tjFree(out);
  tjDestroy(tj);
  return bytes;
}

std::string Png(int w, int h) {
  std::vector<unsigned char> px = Gradient(w, h);
  GdkPixbuf* pix = gdk_pixbuf_new_from_data(px.data(), GDK_COLORSPACE_RGB, FALSE, 8, w, h, w * 3, nullptr, nullptr);
  gchar* buf = nullptr;
  gsize size = 0;
  const bool ok = gdk_pixbuf_save_to_buffer(pix, &buf, &size, "png", nullptr, nullptr);
  std::string bytes = ok ? std::string(buf, size) : std::string();
  g_free(buf);
  g_object_unref(pix);
  return bytes;
}

}  // namespace

TEST_GROUP(Thumbnail) {};

TEST(Thumbnail, JpegIsScaledIntoTheBoxKeepingTheAspect) {
  const std::string jpeg = Jpeg(1600, 1000);
  CHECK(!jpeg.empty());
  GdkPixbuf* t = DecodeThumbnailNow(jpeg, 320, 240);
  CHECK(t != nullptr);
  LONGS_EQUAL(320, gdk_pixbuf_get_width(t));
  LONGS_EQUAL(200, gdk_pixbuf_get_height(t));
  // The colours survive: left edge red-poor, right edge red-rich.
  const guchar* px = gdk_pixbuf_get_pixels(t);
  const int stride = gdk_pixbuf_get_rowstride(t), n = gdk_pixbuf_get_n_channels(t);
  CHECK(px[100 * stride + 2 * n] < 40);
  CHECK(px[100 * stride + 317 * n] > 210);
  g_object_unref(t);
}

TEST(Thumbnail, SmallPicturesAreNotEnlarged) {
  GdkPixbuf* t = DecodeThumbnailNow(Jpeg(64, 48), 320, 240);
  CHECK(t != nullptr);
  LONGS_EQUAL(64, gdk_pixbuf_get_width(t));
  LONGS_EQUAL(48, gdk_pixbuf_get_height(t));
  g_object_unref(t);
}

TEST(Thumbnail, PngGoesThroughGdkPixbuf) {
  GdkPixbuf* t = DecodeThumbnailNow(Png(480, 960), 320, 240);
  CHECK(t != nullptr);
  LONGS_EQUAL(120, gdk_pixbuf_get_width(t));
  LONGS_EQUAL(240, gdk_pixbuf_get_height(t));
  g_object_unref(t);
}

TEST(Thumbnail, GarbageAndTruncatedPicturesGiveNothing) {
  POINTERS_EQUAL(nullptr, DecodeThumbnailNow("", 320, 240));
  POINTERS_EQUAL(nullptr, DecodeThumbnailNow("not a picture at all", 320, 240));
  POINTERS_EQUAL(nullptr, DecodeThumbnailNow(std::string("\xFF\xD8\xFF\xE0garbage", 11), 320, 240));
  const std::string png = Png(100, 100);
  POINTERS_EQUAL(nullptr, DecodeThumbnailNow(png.substr(0, 30), 320, 240));
  POINTERS_EQUAL(nullptr, DecodeThumbnailNow(png, 0, 240));
}
