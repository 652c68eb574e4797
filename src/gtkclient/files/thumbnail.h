// chatgtk::files::DecodeThumbnail: turns the bytes of an image into a
// thumbnail no larger than a box, off the UI thread. JPEG goes through
// libjpeg-turbo (tjDecompress2) with scale-on-decode (the largest 1/8..1
// factor still at least the box), everything else through gdk-pixbuf's
// loaders at scale; the result is scaled into the box keeping the aspect.
#ifndef CHAT_GTKCLIENT_FILES_THUMBNAIL_H_
#define CHAT_GTKCLIENT_FILES_THUMBNAIL_H_

#include <gdk-pixbuf/gdk-pixbuf.h>

#include <functional>
#include <memory>
#include <string>

namespace chatgtk::files {

// Decodes `bytes` (a whole image file) on a worker thread into a pixbuf of
// at most `max_w` x `max_h` pixels, then calls `done` on the main loop with
// the pixbuf (owned reference, the callee unrefs) or nullptr when the bytes
// are not a picture chat-gtk can decode. `alive` going false before then
// drops the result instead.
void DecodeThumbnail(std::shared_ptr<const std::string> bytes, int max_w, int max_h,
                     std::shared_ptr<bool> alive, std::function<void(GdkPixbuf*)> done);

// The synchronous decode the worker runs (exposed for tests): nullptr on
// failure.
GdkPixbuf* DecodeThumbnailNow(const std::string& bytes, int max_w, int max_h);

}  // namespace chatgtk::files

#endif  // CHAT_GTKCLIENT_FILES_THUMBNAIL_H_
