// The in-memory Store (store.h): the same semantics as store_bdb.cc over
// std::map, nothing persisted. For unit tests of the daemon; queries go
// through the shared selection logic in store_codec.cc.
#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <utility>

#include "chatd/store/store.h"
#include "chatd/store/store_codec.h"
#include "libchat/casemap.h"

namespace chatd {
namespace {

using chat::Result;
using chat::Status;
using store::HistoryPos;
using store::PosRecord;

class MemStore final : public Store, private store::HistoryScanner {
 public:
  // ---- accounts
  Status CreateAccount(const AccountRecord& rec) override {
    std::string key = chat::irc::Fold(rec.name);
    if (key.empty()) return Status::InvalidArgument("account without a name");
    if (!accounts_.emplace(key, rec).second) return Status::InvalidArgument("exists");
    return Status::OK();
  }
  Status UpdateAccount(const AccountRecord& rec) override {
    auto it = accounts_.find(chat::irc::Fold(rec.name));
    if (it == accounts_.end()) return Status::NotFound("no account " + rec.name);
    it->second = rec;
    return Status::OK();
  }
  Result<AccountRecord> GetAccount(std::string_view name) override {
    auto it = accounts_.find(chat::irc::Fold(name));
    if (it == accounts_.end()) return Status::NotFound("no account " + std::string(name));
    return it->second;
  }
  Status DeleteAccount(std::string_view name) override {
    if (accounts_.erase(chat::irc::Fold(name)) == 0) return Status::NotFound("no account " + std::string(name));
    return Status::OK();
  }
  Result<std::vector<AccountRecord>> ListAccounts() override {
    std::vector<AccountRecord> out;
    for (const auto& [k, v] : accounts_) out.push_back(v);
    return out;
  }

  // ---- channels
  Status PutChannel(const ChannelRecord& rec) override {
    std::string key = chat::irc::Fold(rec.name);
    if (key.empty()) return Status::InvalidArgument("channel without a name");
    channels_[key] = rec;
    return Status::OK();
  }
  Result<ChannelRecord> GetChannel(std::string_view name) override {
    auto it = channels_.find(chat::irc::Fold(name));
    if (it == channels_.end()) return Status::NotFound("no channel " + std::string(name));
    return it->second;
  }
  Status DeleteChannel(std::string_view name) override {
    std::string key = chat::irc::Fold(name);
    EraseTarget(key);
    if (channels_.erase(key) == 0) return Status::NotFound("no channel " + std::string(name));
    return Status::OK();
  }
  Result<std::vector<ChannelRecord>> ListChannels() override {
    std::vector<ChannelRecord> out;
    for (const auto& [k, v] : channels_) out.push_back(v);
    return out;
  }

  // ---- history
  Status AppendHistory(const HistoryRecord& rec) override {
    Status st = store::ValidateHistory(rec);
    if (!st.ok()) return st;
    if (!rec.label_key.empty() && labels_.count(rec.label_key) != 0) {
      return Status::InvalidArgument("duplicate label key");
    }
    Target& t = history_[rec.target];
    HistoryPos pos{store::EncodeTime(rec.time_ms), ++seq_};
    if (!t.msgids.emplace(rec.msgid, pos).second) {
      return Status::InvalidArgument("duplicate msgid " + rec.msgid + " in " + rec.target);
    }
    t.messages.emplace(pos, rec);
    if (!rec.label_key.empty()) labels_.emplace(rec.label_key, std::make_pair(rec.target, pos));
    for (const auto& p : store::DirectParticipants(rec.target)) direct_[p].insert(rec.target);
    return Status::OK();
  }
  Result<HistoryRecord> FindByLabel(std::string_view label_key) override {
    auto it = labels_.find(std::string(label_key));
    if (it != labels_.end()) {
      auto t = history_.find(it->second.first);
      if (t != history_.end()) {
        auto m = t->second.messages.find(it->second.second);
        if (m != t->second.messages.end()) return m->second;
      }
    }
    return Status::NotFound("no message with that label");
  }
  Result<std::vector<HistoryRecord>> QueryHistory(const HistoryQuery& q) override {
    return store::RunHistoryQuery(q, *this);
  }
  Result<std::vector<TargetSummary>> ListTargets(const std::vector<std::string>& targets, int64_t from_ms,
                                                 int64_t to_ms, uint32_t limit) override {
    return store::RunListTargets(targets, from_ms, to_ms, limit, *this);
  }
  Result<std::vector<std::string>> DirectTargetsOf(std::string_view participant) override {
    auto it = direct_.find(chat::irc::Fold(participant));
    if (it == direct_.end()) return std::vector<std::string>{};
    return std::vector<std::string>(it->second.begin(), it->second.end());
  }
  Status DeleteHistory(std::string_view target) override {
    EraseTarget(std::string(target));
    return Status::OK();
  }
  Result<uint64_t> Prune(int64_t now_ms, int64_t max_age_ms, uint64_t max_per_target) override {
    uint64_t removed = 0;
    for (auto it = history_.begin(); it != history_.end();) {
      auto& msgs = it->second.messages;
      HistoryPos cut = store::kPosMin;  // drop everything below
      if (max_age_ms > 0) cut = HistoryPos{store::EncodeTime(now_ms - max_age_ms), 0};
      if (max_per_target > 0 && msgs.size() > max_per_target) {
        auto keep = msgs.end();
        std::advance(keep, -static_cast<std::ptrdiff_t>(max_per_target));
        if (cut < keep->first) cut = keep->first;
      }
      for (auto m = msgs.begin(); m != msgs.end() && m->first < cut;) {
        it->second.msgids.erase(m->second.msgid);
        labels_.erase(m->second.label_key);
        m = msgs.erase(m);
        ++removed;
      }
      if (msgs.empty()) {
        std::string target = it->first;
        ++it;
        EraseTarget(target);
      } else {
        ++it;
      }
    }
    return removed;
  }

  Status Flush() override { return Status::OK(); }
  Status Checkpoint() override { return Status::OK(); }

  // ---- shared files
  Status CommitFile(const FileRecord& rec, uint64_t quota_bytes) override {
    Status st = store::ValidateFile(rec);
    if (!st.ok()) return st;
    if (files_.count(rec.id) != 0) return Status::InvalidArgument("exists");
    QuotaRecord& q = quota_[chat::irc::Fold(rec.uploader)];
    if (quota_bytes > 0 && q.bytes + rec.size > quota_bytes) return Status::InvalidArgument("over quota");
    q.bytes += rec.size;
    q.files += 1;
    BlobRecord& b = blobs_[rec.sha256];
    if (b.refcount == 0) b.size = rec.size;
    b.refcount += 1;
    files_[rec.id] = rec;
    return Status::OK();
  }
  Result<FileRecord> GetFile(std::string_view id) override {
    auto it = files_.find(std::string(id));
    if (it == files_.end()) return Status::NotFound("no such file");
    return it->second;
  }
  Result<std::vector<FileRecord>> ListFiles(std::string_view uploader) override {
    std::vector<FileRecord> out;
    std::string who = chat::irc::Fold(uploader);
    for (const auto& [k, v] : files_) {
      if (who.empty() || chat::irc::Fold(v.uploader) == who) out.push_back(v);
    }
    return out;
  }
  Result<FileDeletion> DeleteFile(std::string_view id) override {
    auto it = files_.find(std::string(id));
    if (it == files_.end()) return Status::NotFound("no such file");
    FileDeletion d;
    d.file = it->second;
    files_.erase(it);
    auto q = quota_.find(chat::irc::Fold(d.file.uploader));
    if (q != quota_.end()) {
      q->second.bytes -= std::min(q->second.bytes, d.file.size);
      q->second.files -= std::min<uint64_t>(q->second.files, 1);
    }
    auto b = blobs_.find(d.file.sha256);
    if (b != blobs_.end() && --b->second.refcount == 0) {
      blobs_.erase(b);
      d.blob_unused = true;
    }
    return d;
  }
  Result<BlobRecord> GetBlob(std::string_view sha256) override {
    auto it = blobs_.find(std::string(sha256));
    if (it == blobs_.end()) return Status::NotFound("no such blob");
    return it->second;
  }
  Result<QuotaRecord> GetQuota(std::string_view account) override {
    auto it = quota_.find(chat::irc::Fold(account));
    return it == quota_.end() ? QuotaRecord{} : it->second;
  }

  // ---- tus uploads
  Status PutUpload(const UploadRecord& rec) override {
    if (rec.id.empty()) return Status::InvalidArgument("upload without an id");
    uploads_[rec.id] = rec;
    return Status::OK();
  }
  Result<UploadRecord> GetUpload(std::string_view id) override {
    auto it = uploads_.find(std::string(id));
    if (it == uploads_.end()) return Status::NotFound("no such upload");
    return it->second;
  }
  Status DeleteUpload(std::string_view id) override {
    if (uploads_.erase(std::string(id)) == 0) return Status::NotFound("no such upload");
    return Status::OK();
  }
  Result<std::vector<UploadRecord>> ListUploads() override {
    std::vector<UploadRecord> out;
    for (const auto& [k, v] : uploads_) out.push_back(v);
    return out;
  }

  // ---- tokens
  Status PutToken(std::string_view hash, const TokenRecord& rec) override {
    if (hash.empty()) return Status::InvalidArgument("token without a hash");
    tokens_[std::string(hash)] = rec;
    return Status::OK();
  }
  Result<TokenRecord> GetToken(std::string_view hash) override {
    auto it = tokens_.find(std::string(hash));
    if (it == tokens_.end()) return Status::NotFound("no such token");
    return it->second;
  }
  Status DeleteToken(std::string_view hash) override {
    if (tokens_.erase(std::string(hash)) == 0) return Status::NotFound("no such token");
    return Status::OK();
  }
  Result<uint64_t> PruneTokens(int64_t now_ms) override {
    uint64_t n = 0;
    for (auto it = tokens_.begin(); it != tokens_.end();) {
      if (it->second.expires_ms <= now_ms) {
        it = tokens_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }

 private:
  struct Target {
    std::map<HistoryPos, HistoryRecord> messages;
    std::map<std::string, HistoryPos> msgids;
  };

  // ---- HistoryScanner
  Result<HistoryPos> Resolve(const std::string& target, const std::string& msgid) override {
    auto it = history_.find(target);
    if (it != history_.end()) {
      auto m = it->second.msgids.find(msgid);
      if (m != it->second.msgids.end()) return m->second;
    }
    return Status::NotFound("no message with msgid " + msgid + " in " + target);
  }
  Status Scan(const std::string& target, HistoryPos lo, HistoryPos hi, uint32_t limit, bool newest_first,
              std::vector<PosRecord>* out) override {
    auto it = history_.find(target);
    if (it == history_.end()) return Status::OK();
    const auto& msgs = it->second.messages;
    auto first = msgs.lower_bound(lo), last = msgs.lower_bound(hi);
    if (newest_first) {
      for (auto m = last; m != first && limit > 0; --limit) {
        --m;
        out->emplace_back(m->first, m->second);
      }
    } else {
      for (auto m = first; m != last && limit > 0; ++m, --limit) out->emplace_back(m->first, m->second);
    }
    return Status::OK();
  }

  void EraseTarget(const std::string& target) {
    auto t = history_.find(target);
    if (t != history_.end()) {
      for (const auto& [pos, rec] : t->second.messages) labels_.erase(rec.label_key);
      history_.erase(t);
    }
    for (const auto& p : store::DirectParticipants(target)) {
      auto it = direct_.find(p);
      if (it == direct_.end()) continue;
      it->second.erase(target);
      if (it->second.empty()) direct_.erase(it);
    }
  }

  std::map<std::string, AccountRecord> accounts_;
  std::map<std::string, ChannelRecord> channels_;
  std::map<std::string, Target> history_;
  std::map<std::string, std::set<std::string>> direct_;  // participant -> targets
  std::map<std::string, std::pair<std::string, HistoryPos>> labels_;  // label key -> target, position
  std::map<std::string, FileRecord> files_;      // id -> file
  std::map<std::string, BlobRecord> blobs_;      // sha256 -> blob
  std::map<std::string, QuotaRecord> quota_;     // folded account -> usage
  std::map<std::string, UploadRecord> uploads_;  // id -> upload
  std::map<std::string, TokenRecord> tokens_;    // SHA-256(token) -> token
  uint64_t seq_ = 0;
};

}  // namespace

std::unique_ptr<Store> NewMemStore() { return std::make_unique<MemStore>(); }

}  // namespace chatd
