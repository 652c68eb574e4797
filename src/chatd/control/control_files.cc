// chatctl files ...: shared files (doc/control.md, doc/files.md). Ids are
// the 26-character base32 ids of the download URLs.
#include "chatd/control/control.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/files/service.h"
#include "chatd/files/urls.h"
#include "chatd/store/store.h"
#include "libchat/files/file_id.h"

namespace chatd {

namespace {

void HandleList(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  auto files = server.store()->ListFiles(args.empty() ? "" : args[0]);
  if (!files.ok()) return reply.Err("store", files.status().message());
  for (const auto& f : files.value()) {
    reply.Row({
        {"id", chat::files::EncodeFileId(f.id)},
        {"name", f.name},
        {"size", std::to_string(f.size)},
        {"type", f.type},
        {"uploader", f.uploader},
        {"target", f.target},
        {"created", ControlTime(f.created_ms / 1000)},
        {"url", files::FilesAvailable(server.config()) ? files::FileUrl(server.config(), f) : ""},
    });
  }
  reply.Ok();
}

void HandleDelete(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  std::string id;
  if (!chat::files::DecodeFileId(args[0], &id)) return reply.Err("not-found", "no file " + args[0]);
  files::BlobStore blobs(server.config().data_dir + "/files");
  auto d = files::DeleteSharedFile(server.store(), blobs, id);
  if (!d.ok()) {
    if (d.status().code() == chat::Status::Code::kNotFound) return reply.Err("not-found", "no file " + args[0]);
    return reply.Err("store", d.status().message());
  }
  LOG_NOTICE("file %s (%s by %s) deleted by chatctl", args[0].c_str(), d.value().file.name.c_str(),
             d.value().file.uploader.c_str());
  reply.Ok("file " + args[0] + " deleted");
}

void HandleQuota(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  auto q = server.store()->GetQuota(args[0]);
  if (!q.ok()) return reply.Err("store", q.status().message());
  const uint64_t limit = server.config().files_quota;
  reply.Row({
      {"account", args[0]},
      {"bytes", std::to_string(q.value().bytes)},
      {"files", std::to_string(q.value().files)},
      {"quota", limit == 0 ? "unlimited" : std::to_string(limit)},
  });
  reply.Ok();
}

}  // namespace

const std::vector<ControlCommand>& ControlFileCommands() {
  static const std::vector<ControlCommand> commands = {
      {"files list", 0, 1, false, "[UPLOADER]", &HandleList},
      {"files delete", 1, 1, false, "ID", &HandleDelete},
      {"files quota", 1, 1, false, "ACCOUNT", &HandleQuota},
  };
  return commands;
}

}  // namespace chatd
