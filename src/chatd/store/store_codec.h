// Store internals shared by store_bdb.cc, store_mem.cc and the store tests:
// the versioned record encoding (doc/storage.md, "Record format"), the
// history key layout, and the CHATHISTORY selection logic written once over
// an abstract ordered scan so both stores answer queries identically.
// Nothing here touches Berkeley DB or any file.
#ifndef CHATD_STORE_CODEC_H_
#define CHATD_STORE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chatd/store/store.h"
#include "libchat/status.h"

namespace chatd::store {

// ---- records. The first byte is the format version; fields follow in a
// fixed order, each a LEB128 varint (unsigned), zigzag varint (signed),
// varint-length-prefixed byte string, or a count followed by items. Versions
// 1..127 only ever append fields, so a reader decodes the fields it knows and
// ignores trailing bytes; 128..255 are reserved for an incompatible format,
// which this reader rejects.
// Version 2 appended history's label_key, version 3 account's delivered_ms.
inline constexpr uint8_t kRecordVersion = 3;

std::string EncodeAccount(const AccountRecord& rec);
std::string EncodeChannel(const ChannelRecord& rec);
std::string EncodeHistory(const HistoryRecord& rec);

std::string EncodeFile(const FileRecord& rec);
std::string EncodeBlob(const BlobRecord& rec);
std::string EncodeUpload(const UploadRecord& rec);
std::string EncodeQuota(const QuotaRecord& rec);
std::string EncodeToken(const TokenRecord& rec);

// Decode `data` into *out. `where` names the database and key for the error
// ("accounts.db key \"alice\""); a truncated or malformed record gives
// Corruption("corrupt record in <where>: <what is wrong>").
chat::Status DecodeAccount(std::string_view data, const std::string& where, AccountRecord* out);
chat::Status DecodeChannel(std::string_view data, const std::string& where, ChannelRecord* out);
chat::Status DecodeHistory(std::string_view data, const std::string& where, HistoryRecord* out);
chat::Status DecodeFile(std::string_view data, const std::string& where, FileRecord* out);
chat::Status DecodeBlob(std::string_view data, const std::string& where, BlobRecord* out);
chat::Status DecodeUpload(std::string_view data, const std::string& where, UploadRecord* out);
chat::Status DecodeQuota(std::string_view data, const std::string& where, QuotaRecord* out);
chat::Status DecodeToken(std::string_view data, const std::string& where, TokenRecord* out);

// Checks the fields CommitFile requires (16-byte id, 32-byte digest,
// non-empty uploader); InvalidArgument naming the problem.
chat::Status ValidateFile(const FileRecord& rec);

// ---- history keys. A message's position within its target: the server time
// with the sign bit flipped (so unsigned big-endian order is numeric order,
// negative times included), then a store-wide sequence number that orders
// messages with the same millisecond by append order. Real messages have
// seq in [1, 2^64-2]; seq 0 and 2^64-1 are used only as bounds.
struct HistoryPos {
  uint64_t time = 0;  // EncodeTime(time_ms)
  uint64_t seq = 0;
  friend bool operator<(const HistoryPos& a, const HistoryPos& b) {
    return a.time != b.time ? a.time < b.time : a.seq < b.seq;
  }
  friend bool operator==(const HistoryPos& a, const HistoryPos& b) { return a.time == b.time && a.seq == b.seq; }
  friend bool operator<=(const HistoryPos& a, const HistoryPos& b) { return !(b < a); }
};
inline constexpr uint64_t kMaxU64 = ~uint64_t{0};
inline constexpr HistoryPos kPosMin{0, 0};
inline constexpr HistoryPos kPosMax{kMaxU64, kMaxU64};

inline uint64_t EncodeTime(int64_t ms) { return static_cast<uint64_t>(ms) ^ (uint64_t{1} << 63); }
inline int64_t DecodeTime(uint64_t t) { return static_cast<int64_t>(t ^ (uint64_t{1} << 63)); }

// The 16 bytes of a position: big-endian time, big-endian seq.
std::string EncodePos(const HistoryPos& pos);
// Parses 16 bytes; false when `data` is not exactly 16 bytes.
bool DecodePos(std::string_view data, HistoryPos* pos);

// history.db key: target '\0' EncodePos(pos). Targets never contain NUL.
std::string HistoryKey(std::string_view target, const HistoryPos& pos);
// Splits a history.db key; false when it is not one.
bool SplitHistoryKey(std::string_view key, std::string_view* target, HistoryPos* pos);
// history_msgid.db key: target '\0' msgid.
std::string MsgidKey(std::string_view target, std::string_view msgid);
// history_dm.db key: participant '\0' target.
std::string DirectKey(std::string_view participant, std::string_view target);
// The participants of a direct conversation key "@a b" ({"a", "b"}); empty
// for a key that doesn't start with '@'. Duplicates are dropped.
std::vector<std::string> DirectParticipants(std::string_view target);

// A key as printable text for error messages: history keys as
// "target@time_ms#seq", other bytes outside printable ASCII as \xNN.
std::string PrintableKey(std::string_view key, bool history_key);

// ---- CHATHISTORY selection (IRCv3 draft/chathistory), written once.
using PosRecord = std::pair<HistoryPos, HistoryRecord>;

// The two primitives a store provides.
class HistoryScanner {
 public:
  virtual ~HistoryScanner() = default;
  // The position of `msgid` within `target`; NotFound when absent.
  virtual chat::Result<HistoryPos> Resolve(const std::string& target, const std::string& msgid) = 0;
  // Appends to *out up to `limit` messages of `target` with lo <= pos < hi,
  // ascending from lo, or descending from hi when `newest_first`.
  virtual chat::Status Scan(const std::string& target, HistoryPos lo, HistoryPos hi, uint32_t limit,
                            bool newest_first, std::vector<PosRecord>* out) = 0;
};

// Runs q against `scanner` and returns the selection ascending; see
// QueryHistory in store.h and doc/storage.md for the exact semantics.
chat::Result<std::vector<HistoryRecord>> RunHistoryQuery(const HistoryQuery& q, HistoryScanner& scanner);

// CHATHISTORY TARGETS: for each distinct key in `targets`, its newest message
// with from_ms < time_ms <= to_ms (the bounds may come in either order);
// those found, newest first (ties by key), at most `limit`.
chat::Result<std::vector<TargetSummary>> RunListTargets(const std::vector<std::string>& targets, int64_t from_ms,
                                                        int64_t to_ms, uint32_t limit, HistoryScanner& scanner);

// Checks the fields AppendHistory requires (non-empty target without NUL,
// non-empty msgid); InvalidArgument naming the problem.
chat::Status ValidateHistory(const HistoryRecord& rec);

}  // namespace chatd::store

#endif  // CHATD_STORE_CODEC_H_
