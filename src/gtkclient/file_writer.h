// chatgtk::FileWriter: replaces one small file asynchronously (GIO, on the
// GLib main loop) so the UI thread never waits on the disk. Writes are
// serialized: while one is in flight only the newest pending contents are
// kept, so the file always ends up with the last data given to Write().
//
// Lifetime: the writer may be destroyed with a write in flight; that write
// (and the newest pending one) still completes. Main thread only.
#ifndef CHAT_GTKCLIENT_FILE_WRITER_H_
#define CHAT_GTKCLIENT_FILE_WRITER_H_

#include <memory>
#include <string>

namespace chatgtk {

class FileWriter {
 public:
  // `path`: the file to replace (atomically, via GIO's temporary file and
  // rename). Its parent directory is created (mode 0700) on first write.
  explicit FileWriter(std::string path);
  ~FileWriter();

  // Queues `contents` as the file's new contents. Errors are logged with
  // g_warning and otherwise ignored (the data stays in memory).
  void Write(std::string contents);

  const std::string& path() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Reads a small file synchronously (used once at startup for settings-sized
// files). Returns "" when it does not exist or cannot be read.
std::string ReadSmallFile(const std::string& path);

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_FILE_WRITER_H_
