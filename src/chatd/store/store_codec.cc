// Record encoding, history keys and the shared CHATHISTORY selection logic
// (store_codec.h). The format is described in doc/storage.md.
#include "chatd/store/store_codec.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <set>

namespace chatd::store {
namespace {

// ---------------------------------------------------------------- writer

class Writer {
 public:
  explicit Writer(uint8_t version) { out_.push_back(static_cast<char>(version)); }
  Writer() = default;  // a nested sub-record: no version byte

  void U(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void I(int64_t v) { U((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }  // zigzag
  void B(bool v) { U(v ? 1 : 0); }
  void S(std::string_view s) {
    U(s.size());
    out_.append(s.data(), s.size());
  }
  void List(const std::vector<std::string>& v) {
    U(v.size());
    for (const auto& s : v) S(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// ---------------------------------------------------------------- reader

// Reads fields in order; the first failure sticks and names the field.
class Reader {
 public:
  Reader(std::string_view in, const std::string& where) : in_(in), where_(where) {}

  // Consumes and checks the version byte.
  bool Version() {
    if (in_.empty()) return Fail("empty record");
    auto v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    if (v == 0) return Fail("format version 0 is invalid");
    version_ = v;
    if (v >= 128) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "format version %u was written by a newer, incompatible chatd", v);
      return Fail(buf);
    }
    return true;
  }

  bool U(const char* field, uint64_t* v) {
    if (!st_.ok()) return false;
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in_.empty()) return Fail(std::string("truncated in field ") + field);
      auto byte = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      if (shift == 63 && byte > 1) break;  // more than 64 bits
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        *v = result;
        return true;
      }
    }
    return Fail(std::string("varint overflow in field ") + field);
  }
  bool U32(const char* field, uint32_t* v) {
    uint64_t x = 0;
    if (!U(field, &x)) return false;
    if (x > std::numeric_limits<uint32_t>::max()) return Fail(std::string("value out of range in field ") + field);
    *v = static_cast<uint32_t>(x);
    return true;
  }
  bool I(const char* field, int64_t* v) {
    uint64_t x = 0;
    if (!U(field, &x)) return false;
    *v = static_cast<int64_t>((x >> 1) ^ (~(x & 1) + 1));
    return true;
  }
  bool B(const char* field, bool* v) {
    uint64_t x = 0;
    if (!U(field, &x)) return false;
    if (x > 1) return Fail(std::string("bad boolean in field ") + field);
    *v = x == 1;
    return true;
  }
  bool View(const char* field, std::string_view* v) {
    uint64_t n = 0;
    if (!U(field, &n)) return false;
    if (n > in_.size()) return Fail(std::string("truncated in field ") + field);
    *v = in_.substr(0, n);
    in_.remove_prefix(n);
    return true;
  }
  bool S(const char* field, std::string* v) {
    std::string_view sv;
    if (!View(field, &sv)) return false;
    v->assign(sv.data(), sv.size());
    return true;
  }
  // A count that can't exceed the bytes left (every item takes at least one).
  bool Count(const char* field, uint64_t* n) {
    if (!U(field, n)) return false;
    if (*n > in_.size()) return Fail(std::string("bad item count in field ") + field);
    return true;
  }
  bool List(const char* field, std::vector<std::string>* v) {
    uint64_t n = 0;
    if (!Count(field, &n)) return false;
    v->clear();
    v->reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      v->emplace_back();
      if (!S(field, &v->back())) return false;
    }
    return true;
  }

  bool Fail(const std::string& what) {
    if (st_.ok()) st_ = chat::Status::Corruption("corrupt record in " + where_ + ": " + what);
    return false;
  }
  // Whatever follows the known fields (a newer version's) is ignored.
  chat::Status Finish() const { return st_; }
  // The record's format version (after Version()); fields added in a later
  // version than this are absent.
  uint8_t version() const { return version_; }

 private:
  std::string_view in_;
  uint8_t version_ = 0;
  const std::string& where_;
  chat::Status st_;
};

// ---------------------------------------------------------------- helpers

void PutBE64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetBE64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out.push_back(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- records

std::string EncodeAccount(const AccountRecord& rec) {
  Writer w(kRecordVersion);
  w.S(rec.name);
  w.S(rec.email);
  w.U(rec.iterations);
  w.S(rec.salt);
  w.S(rec.stored_key);
  w.S(rec.server_key);
  w.S(rec.role);
  w.B(rec.disabled);
  w.I(rec.created_ms);
  w.I(rec.delivered_ms);  // version 3
  return w.Take();
}

chat::Status DecodeAccount(std::string_view data, const std::string& where, AccountRecord* out) {
  Reader r(data, where);
  AccountRecord rec;
  r.Version() && r.S("name", &rec.name) && r.S("email", &rec.email) && r.U32("iterations", &rec.iterations) &&
      r.S("salt", &rec.salt) && r.S("stored_key", &rec.stored_key) && r.S("server_key", &rec.server_key) &&
      r.S("role", &rec.role) && r.B("disabled", &rec.disabled) && r.I("created_ms", &rec.created_ms) &&
      (r.version() < 3 || r.I("delivered_ms", &rec.delivered_ms));
  chat::Status st = r.Finish();
  if (st.ok()) *out = std::move(rec);
  return st;
}

std::string EncodeChannel(const ChannelRecord& rec) {
  Writer w(kRecordVersion);
  w.S(rec.name);
  w.S(rec.owner);
  w.I(rec.created);
  w.S(rec.topic);
  w.S(rec.topic_setter);
  w.I(rec.topic_time);
  w.B(rec.invite_only);
  w.B(rec.moderated);
  w.B(rec.no_external);
  w.B(rec.secret);
  w.B(rec.topic_ops);
  w.S(rec.key);
  w.U(rec.limit);
  // Each ban is a length-prefixed sub-record so it can gain fields too.
  w.U(rec.bans.size());
  for (const auto& ban : rec.bans) {
    Writer sub;
    sub.S(ban.mask);
    sub.S(ban.setter);
    sub.I(ban.set_at);
    w.S(sub.Take());
  }
  w.List(rec.invites);
  w.List(rec.roster);
  w.List(rec.ops);
  return w.Take();
}

chat::Status DecodeChannel(std::string_view data, const std::string& where, ChannelRecord* out) {
  Reader r(data, where);
  ChannelRecord rec;
  uint64_t nbans = 0;
  bool ok = r.Version() && r.S("name", &rec.name) && r.S("owner", &rec.owner) && r.I("created", &rec.created) &&
            r.S("topic", &rec.topic) && r.S("topic_setter", &rec.topic_setter) &&
            r.I("topic_time", &rec.topic_time) && r.B("invite_only", &rec.invite_only) &&
            r.B("moderated", &rec.moderated) && r.B("no_external", &rec.no_external) &&
            r.B("secret", &rec.secret) && r.B("topic_ops", &rec.topic_ops) && r.S("key", &rec.key) &&
            r.U32("limit", &rec.limit) && r.Count("bans", &nbans);
  for (uint64_t i = 0; ok && i < nbans; ++i) {
    std::string_view sub;
    ok = r.View("bans", &sub);
    if (!ok) break;
    Reader br(sub, where);
    BanRecord ban;
    br.S("ban.mask", &ban.mask) && br.S("ban.setter", &ban.setter) && br.I("ban.set_at", &ban.set_at);
    chat::Status bst = br.Finish();
    if (!bst.ok()) return bst;
    rec.bans.push_back(std::move(ban));
  }
  ok = ok && r.List("invites", &rec.invites) && r.List("roster", &rec.roster) && r.List("ops", &rec.ops);
  chat::Status st = r.Finish();
  if (st.ok()) *out = std::move(rec);
  return st;
}

std::string EncodeHistory(const HistoryRecord& rec) {
  Writer w(kRecordVersion);
  w.S(rec.target);
  w.S(rec.msgid);
  w.I(rec.time_ms);
  w.S(rec.command);
  w.S(rec.source);
  w.S(rec.account);
  w.S(rec.to);
  w.S(rec.text);
  w.S(rec.tags);
  w.S(rec.label_key);  // version 2
  return w.Take();
}

chat::Status DecodeHistory(std::string_view data, const std::string& where, HistoryRecord* out) {
  Reader r(data, where);
  HistoryRecord rec;
  r.Version() && r.S("target", &rec.target) && r.S("msgid", &rec.msgid) && r.I("time_ms", &rec.time_ms) &&
      r.S("command", &rec.command) && r.S("source", &rec.source) && r.S("account", &rec.account) &&
      r.S("to", &rec.to) && r.S("text", &rec.text) && r.S("tags", &rec.tags) &&
      (r.version() < 2 || r.S("label_key", &rec.label_key));
  chat::Status st = r.Finish();
  if (st.ok()) *out = std::move(rec);
  return st;
}

std::string EncodeFile(const FileRecord& rec) {
  Writer w(kRecordVersion);
  w.S(rec.id);
  w.S(rec.sha256);
  w.U(rec.size);
  w.S(rec.type);
  w.S(rec.name);
  w.S(rec.uploader);
  w.I(rec.created_ms);
  w.S(rec.target);
  return w.Take();
}

chat::Status DecodeFile(std::string_view data, const std::string& where, FileRecord* out) {
  Reader r(data, where);
  FileRecord rec;
  r.Version() && r.S("id", &rec.id) && r.S("sha256", &rec.sha256) && r.U("size", &rec.size) &&
      r.S("type", &rec.type) && r.S("name", &rec.name) && r.S("uploader", &rec.uploader) &&
      r.I("created_ms", &rec.created_ms) && r.S("target", &rec.target);
  chat::Status st = r.Finish();
  if (st.ok()) *out = std::move(rec);
  return st;
}

std::string EncodeBlob(const BlobRecord& rec) {
  Writer w(kRecordVersion);
  w.U(rec.refcount);
  w.U(rec.size);
  return w.Take();
}

chat::Status DecodeBlob(std::string_view data, const std::string& where, BlobRecord* out) {
  Reader r(data, where);
  BlobRecord rec;
  r.Version() && r.U("refcount", &rec.refcount) && r.U("size", &rec.size);
  chat::Status st = r.Finish();
  if (st.ok()) *out = rec;
  return st;
}

std::string EncodeUpload(const UploadRecord& rec) {
  Writer w(kRecordVersion);
  w.S(rec.id);
  w.S(rec.account);
  w.U(rec.length);
  w.U(rec.offset_durable);
  w.I(rec.created_ms);
  w.I(rec.expires_ms);
  w.S(rec.name);
  w.S(rec.type);
  w.S(rec.target);
  return w.Take();
}

chat::Status DecodeUpload(std::string_view data, const std::string& where, UploadRecord* out) {
  Reader r(data, where);
  UploadRecord rec;
  r.Version() && r.S("id", &rec.id) && r.S("account", &rec.account) && r.U("length", &rec.length) &&
      r.U("offset_durable", &rec.offset_durable) && r.I("created_ms", &rec.created_ms) &&
      r.I("expires_ms", &rec.expires_ms) && r.S("name", &rec.name) && r.S("type", &rec.type) &&
      r.S("target", &rec.target);
  chat::Status st = r.Finish();
  if (st.ok()) *out = std::move(rec);
  return st;
}

std::string EncodeQuota(const QuotaRecord& rec) {
  Writer w(kRecordVersion);
  w.U(rec.bytes);
  w.U(rec.files);
  return w.Take();
}

chat::Status DecodeQuota(std::string_view data, const std::string& where, QuotaRecord* out) {
  Reader r(data, where);
  QuotaRecord rec;
  r.Version() && r.U("bytes", &rec.bytes) && r.U("files", &rec.files);
  chat::Status st = r.Finish();
  if (st.ok()) *out = rec;
  return st;
}

std::string EncodeToken(const TokenRecord& rec) {
  Writer w(kRecordVersion);
  w.S(rec.account);
  w.I(rec.created_ms);
  w.I(rec.expires_ms);
  return w.Take();
}

chat::Status DecodeToken(std::string_view data, const std::string& where, TokenRecord* out) {
  Reader r(data, where);
  TokenRecord rec;
  r.Version() && r.S("account", &rec.account) && r.I("created_ms", &rec.created_ms) &&
      r.I("expires_ms", &rec.expires_ms);
  chat::Status st = r.Finish();
  if (st.ok()) *out = std::move(rec);
  return st;
}

chat::Status ValidateFile(const FileRecord& rec) {
  if (rec.id.size() != 16) return chat::Status::InvalidArgument("file id is not 16 bytes");
  if (rec.sha256.size() != 32) return chat::Status::InvalidArgument("file digest is not 32 bytes");
  if (rec.uploader.empty()) return chat::Status::InvalidArgument("file without an uploader");
  return chat::Status::OK();
}

// ---------------------------------------------------------------- keys

std::string EncodePos(const HistoryPos& pos) {
  std::string out;
  out.reserve(16);
  PutBE64(&out, pos.time);
  PutBE64(&out, pos.seq);
  return out;
}

bool DecodePos(std::string_view data, HistoryPos* pos) {
  if (data.size() != 16) return false;
  pos->time = GetBE64(data.data());
  pos->seq = GetBE64(data.data() + 8);
  return true;
}

std::string HistoryKey(std::string_view target, const HistoryPos& pos) {
  std::string key;
  key.reserve(target.size() + 17);
  key.append(target.data(), target.size());
  key.push_back('\0');
  PutBE64(&key, pos.time);
  PutBE64(&key, pos.seq);
  return key;
}

bool SplitHistoryKey(std::string_view key, std::string_view* target, HistoryPos* pos) {
  if (key.size() < 17 || key[key.size() - 17] != '\0') return false;
  *target = key.substr(0, key.size() - 17);
  return DecodePos(key.substr(key.size() - 16), pos);
}

std::string MsgidKey(std::string_view target, std::string_view msgid) {
  std::string key(target);
  key.push_back('\0');
  key.append(msgid.data(), msgid.size());
  return key;
}

std::string DirectKey(std::string_view participant, std::string_view target) { return MsgidKey(participant, target); }

std::vector<std::string> DirectParticipants(std::string_view target) {
  std::vector<std::string> out;
  if (target.empty() || target[0] != '@') return out;
  std::string_view rest = target.substr(1);
  while (!rest.empty()) {
    size_t sp = rest.find(' ');
    std::string_view part = rest.substr(0, sp);
    if (!part.empty() && std::find(out.begin(), out.end(), part) == out.end()) out.emplace_back(part);
    if (sp == std::string_view::npos) break;
    rest.remove_prefix(sp + 1);
  }
  return out;
}

std::string PrintableKey(std::string_view key, bool history_key) {
  std::string_view target;
  HistoryPos pos;
  if (history_key && SplitHistoryKey(key, &target, &pos)) {
    return "\"" + Escape(target) + "\" at " + std::to_string(DecodeTime(pos.time)) + " ms #" +
           std::to_string(pos.seq);
  }
  return "\"" + Escape(key) + "\"";
}

chat::Status ValidateHistory(const HistoryRecord& rec) {
  if (rec.target.empty()) return chat::Status::InvalidArgument("history record without a target");
  if (rec.target.find('\0') != std::string::npos) return chat::Status::InvalidArgument("target contains NUL");
  if (rec.msgid.empty()) return chat::Status::InvalidArgument("history record without a msgid");
  return chat::Status::OK();
}

// ---------------------------------------------------------------- queries

namespace {

// A resolved bound. For a msgid at p: strictly after is [p+1, ...), strictly
// before is [..., p). For a timestamp t: strictly after is everything with
// time > t, i.e. from (t, max); strictly before is up to (t, 0).
struct Cut {
  HistoryPos after_lo;   // inclusive lower bound of "strictly after"
  HistoryPos before_hi;  // exclusive upper bound of "strictly before"
  HistoryPos at;         // inclusive lower bound of "at or after" (AROUND)
};

chat::Result<Cut> Resolve(const std::string& target, const HistoryBound& b, HistoryScanner& scanner) {
  if (!b.msgid.empty()) {
    auto pos = scanner.Resolve(target, b.msgid);
    if (!pos.ok()) return pos.status();
    HistoryPos p = pos.value();
    return Cut{{p.time, p.seq + 1}, p, p};
  }
  uint64_t t = EncodeTime(b.time_ms);
  return Cut{{t, kMaxU64}, {t, 0}, {t, 0}};
}

chat::Status ScanInto(HistoryScanner& scanner, const std::string& target, HistoryPos lo, HistoryPos hi,
                      uint32_t limit, bool newest_first, std::vector<PosRecord>* out) {
  if (limit == 0 || !(lo < hi)) return chat::Status::OK();
  return scanner.Scan(target, lo, hi, limit, newest_first, out);
}

std::vector<HistoryRecord> Records(std::vector<PosRecord>&& v, bool reverse) {
  if (reverse) std::reverse(v.begin(), v.end());
  std::vector<HistoryRecord> out;
  out.reserve(v.size());
  for (auto& pr : v) out.push_back(std::move(pr.second));
  return out;
}

}  // namespace

chat::Result<std::vector<HistoryRecord>> RunHistoryQuery(const HistoryQuery& q, HistoryScanner& scanner) {
  std::vector<PosRecord> got;
  if (q.limit == 0) return std::vector<HistoryRecord>{};
  const bool a_unbounded = q.a.unbounded();
  Cut a{kPosMin, kPosMax, kPosMin};
  if (!a_unbounded) {
    auto r = Resolve(q.target, q.a, scanner);
    if (!r.ok()) return r.status();
    a = r.value();
  }
  chat::Status st;
  switch (q.kind) {
    case HistoryQueryKind::kLatest:
      // The newest `limit`, all strictly after a when a is given.
      st = ScanInto(scanner, q.target, a_unbounded ? kPosMin : a.after_lo, kPosMax, q.limit, true, &got);
      if (!st.ok()) return st;
      return Records(std::move(got), true);
    case HistoryQueryKind::kBefore:
      st = ScanInto(scanner, q.target, kPosMin, a.before_hi, q.limit, true, &got);
      if (!st.ok()) return st;
      return Records(std::move(got), true);
    case HistoryQueryKind::kAfter:
      st = ScanInto(scanner, q.target, a_unbounded ? kPosMin : a.after_lo, kPosMax, q.limit, false, &got);
      if (!st.ok()) return st;
      return Records(std::move(got), false);
    case HistoryQueryKind::kAround: {
      if (a_unbounded) return chat::Status::InvalidArgument("AROUND needs a msgid or timestamp");
      // limit/2 strictly before; the rest at-or-after (so a msgid bound's own
      // message is included); a short side's share goes to the other side.
      const uint32_t half = q.limit / 2;
      std::vector<PosRecord> before, after;
      st = ScanInto(scanner, q.target, kPosMin, a.before_hi, half, true, &before);
      if (!st.ok()) return st;
      st = ScanInto(scanner, q.target, a.at, kPosMax, q.limit - static_cast<uint32_t>(before.size()), false,
                    &after);
      if (!st.ok()) return st;
      size_t total = before.size() + after.size();
      if (before.size() == half && total < q.limit) {
        HistoryPos hi = before.empty() ? a.before_hi : before.back().first;
        st = ScanInto(scanner, q.target, kPosMin, hi, q.limit - static_cast<uint32_t>(total), true, &before);
        if (!st.ok()) return st;
      }
      std::reverse(before.begin(), before.end());
      for (auto& pr : after) before.push_back(std::move(pr));
      return Records(std::move(before), false);
    }
    case HistoryQueryKind::kBetween: {
      if (a_unbounded || q.b.unbounded()) return chat::Status::InvalidArgument("BETWEEN needs two bounds");
      auto rb = Resolve(q.target, q.b, scanner);
      if (!rb.ok()) return rb.status();
      const Cut& b = rb.value();
      // Strictly between, the `limit` closest to a (the start point).
      if (a.at <= b.at) {
        st = ScanInto(scanner, q.target, a.after_lo, b.before_hi, q.limit, false, &got);
        if (!st.ok()) return st;
        return Records(std::move(got), false);
      }
      st = ScanInto(scanner, q.target, b.after_lo, a.before_hi, q.limit, true, &got);
      if (!st.ok()) return st;
      return Records(std::move(got), true);
    }
  }
  return chat::Status::InvalidArgument("unknown history query kind");
}

chat::Result<std::vector<TargetSummary>> RunListTargets(const std::vector<std::string>& targets, int64_t from_ms,
                                                        int64_t to_ms, uint32_t limit, HistoryScanner& scanner) {
  if (from_ms > to_ms) std::swap(from_ms, to_ms);
  const HistoryPos lo{EncodeTime(from_ms), kMaxU64};  // time > from_ms
  const HistoryPos hi{EncodeTime(to_ms), kMaxU64};    // time <= to_ms
  std::vector<TargetSummary> out;
  std::set<std::string> seen;
  for (const auto& target : targets) {
    if (!seen.insert(target).second) continue;
    std::vector<PosRecord> newest;
    chat::Status st = ScanInto(scanner, target, lo, hi, 1, true, &newest);
    if (!st.ok()) return st;
    if (newest.empty()) continue;
    out.push_back({target, std::move(newest[0].second.to), newest[0].second.time_ms});
  }
  std::sort(out.begin(), out.end(), [](const TargetSummary& a, const TargetSummary& b) {
    return a.latest_ms != b.latest_ms ? a.latest_ms > b.latest_ms : a.target < b.target;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

}  // namespace chatd::store
