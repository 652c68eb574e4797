// RequestParser over Boost.Beast's http::basic_parser<true>, fed sans-I/O
// through put(). The only translation unit that includes Beast. Beast does
// the grammar (request line, field syntax, Content-Length values, chunk
// lines); the checks Beast leaves out are here (request_parser.h lists
// them): exact Transfer-Encoding, obs-fold, Host, HTTP version, Expect.
#include "libchat/http/request_parser.h"

// GCC 12 with -fsanitize warns that boost::optional in Beast's
// content_length() "may be used uninitialized": a false positive inside
// Boost's headers, silenced for them only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

namespace chat::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

constexpr std::string_view kWhitespace = " \t";

std::string_view Trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(kWhitespace);
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(kWhitespace);
  return s.substr(b, e - b + 1);
}

ParseError Error(int status, std::string code, std::string detail) {
  return ParseError{status, std::move(code), std::move(detail)};
}

// Checks the combined Transfer-Encoding list (RFC 9112 §6.1, §7): the final
// coding must be chunked, chunked must appear once, and we implement no
// other coding. Returns nullopt when it is exactly "chunked".
std::optional<ParseError> CheckTransferEncoding(std::string_view list) {
  std::vector<std::string_view> codings;
  while (true) {
    std::size_t comma = list.find(',');
    std::string_view item = Trim(list.substr(0, comma));
    // A coding may carry parameters ("gzip;q=1"): compare its name only.
    std::string_view name = Trim(item.substr(0, item.find(';')));
    if (!item.empty()) codings.push_back(item == name ? item : name);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  if (codings.empty()) {
    return Error(400, "bad-transfer-encoding", "Transfer-Encoding is empty");
  }
  if (!EqualsIgnoreCase(codings.back(), "chunked")) {
    return Error(400, "bad-transfer-encoding",
                 "the final transfer coding is not chunked, so the body length is unknown");
  }
  for (std::size_t i = 0; i + 1 < codings.size(); ++i) {
    if (EqualsIgnoreCase(codings[i], "chunked")) {
      return Error(400, "bad-transfer-encoding", "chunked is applied more than once");
    }
  }
  if (codings.size() > 1) {
    return Error(501, "unsupported-transfer-coding",
                 "transfer codings other than chunked are not implemented");
  }
  return std::nullopt;
}

}  // namespace

// Beast's parser with the callbacks filling the wrapper's state. One per
// request (Beast parsers are not reusable).
class BeastParser final : public bhttp::basic_parser<true> {
 public:
  explicit BeastParser(RequestParser::Impl* impl) : impl_(impl) {}

  std::string_view body;  // the piece the last put() delivered
  bool trailers = false;  // the header is done: further fields are trailers
  std::uint64_t chunk_left = 0;  // bytes of the current chunk not yet delivered
  std::uint64_t chunks = 0;      // chunk headers seen

 private:
  void on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target,
                       int version, beast::error_code& ec) override;
  void on_response_impl(int, beast::string_view, int, beast::error_code& ec) override {
    ec = bhttp::error::bad_method;  // never a response
  }
  void on_field_impl(bhttp::field, beast::string_view name, beast::string_view value,
                     beast::error_code& ec) override;
  void on_header_impl(beast::error_code& ec) override;
  void on_body_init_impl(const boost::optional<std::uint64_t>&, beast::error_code&) override {}
  std::size_t on_body_impl(beast::string_view piece, beast::error_code&) override {
    body = std::string_view(piece.data(), piece.size());
    return piece.size();
  }
  void on_chunk_header_impl(std::uint64_t size, beast::string_view, beast::error_code&) override {
    chunk_left = size;
    ++chunks;
  }
  std::size_t on_chunk_body_impl(std::uint64_t remain, beast::string_view piece,
                                 beast::error_code&) override {
    body = std::string_view(piece.data(), piece.size());
    chunk_left = remain - piece.size();
    return piece.size();
  }
  void on_finish_impl(beast::error_code&) override {}

  RequestParser::Impl* impl_;
};

struct RequestParser::Impl {
  enum class State { kBetween, kHeader, kBody, kError };

  Limits limits;
  std::string buf;
  std::size_t off = 0;  // buf[0, off) is consumed
  State state = State::kBetween;
  std::optional<BeastParser> parser;
  RequestHead head;
  ParseError error;
  std::optional<ParseError> own_error;  // set by a callback before it fails Beast
  std::string transfer_encoding;        // all Transfer-Encoding values, joined
  int host_count = 0;
  std::size_t head_bytes = 0;  // consumed bytes of the current request's head
  std::size_t fold_checked = 0;  // unconsumed bytes FoldAhead has scanned
  bool header_end_seen = false;  // FoldAhead reached the end of the header
  bool content_length_seen = false;
  bool expect_other = false;

  void Fail(ParseError e, beast::error_code& ec) {
    own_error = std::move(e);
    ec = bhttp::error::bad_value;
  }
  Event SetError(ParseError e) {
    error = std::move(e);
    state = State::kError;
    parser.reset();
    return Event::kError;
  }
  Event MapBeastError(const beast::error_code& ec);
  void StartRequest();
  void CheckHeader(beast::error_code& ec);
  // True when the unconsumed header bytes hold a line starting with
  // whitespace; scans each byte once (fold_checked, header_end_seen).
  bool FoldAhead();
  bool LastChunkIncomplete() const;
  std::string_view Unconsumed() const { return std::string_view(buf).substr(off); }
};

void BeastParser::on_request_impl(bhttp::verb, beast::string_view method, beast::string_view target,
                                  int version, beast::error_code& ec) {
  if (version != 10 && version != 11) {
    impl_->Fail(Error(505, "http-version-not-supported",
                      "only HTTP/1.0 and HTTP/1.1 are supported"),
                ec);
    return;
  }
  RequestHead& h = impl_->head;
  h.method.assign(method.data(), method.size());
  h.target.assign(target.data(), target.size());
  h.version_minor = version % 10;
}

void BeastParser::on_field_impl(bhttp::field f, beast::string_view name, beast::string_view value,
                                beast::error_code&) {
  if (trailers) return;  // trailer fields are discarded (RFC 9112 §7.1.2 allows it)
  std::string_view v = Trim(std::string_view(value.data(), value.size()));
  switch (f) {
    case bhttp::field::transfer_encoding:
      if (!impl_->transfer_encoding.empty()) impl_->transfer_encoding += ',';
      impl_->transfer_encoding.append(v);
      if (v.empty()) impl_->transfer_encoding += ' ';  // an empty value is still a value
      break;
    case bhttp::field::content_length:
      impl_->content_length_seen = true;
      break;
    case bhttp::field::host:
      ++impl_->host_count;
      break;
    case bhttp::field::expect:
      if (EqualsIgnoreCase(v, "100-continue")) {
        impl_->head.expect_continue = true;
      } else {
        impl_->expect_other = true;
      }
      break;
    default:
      break;
  }
  impl_->head.fields.push_back({std::string(name.data(), name.size()), std::string(v)});
}

void BeastParser::on_header_impl(beast::error_code& ec) {
  trailers = true;
  impl_->CheckHeader(ec);
  if (ec) return;
  RequestHead& h = impl_->head;
  h.keep_alive = keep_alive();
  if (chunked()) {
    h.framing = BodyFraming::kChunked;
  } else if (content_length().has_value() && *content_length() > 0) {
    h.framing = BodyFraming::kLength;
    h.content_length = *content_length();
  } else {
    h.framing = BodyFraming::kNone;
  }
}

// Beast 1.81 asserts (parse_chunk_header: "n >= 5") when the last-chunk
// line arrived but its trailer section is split across put() calls, and
// the last chunk is the first one (an empty chunked body): so the last
// chunk is handed to Beast only with its whole trailer section. True while
// the buffer holds a last-chunk line without the CRLF CRLF that ends it.
bool RequestParser::Impl::LastChunkIncomplete() const {
  if (head.framing != BodyFraming::kChunked || parser->chunk_left != 0) return false;
  std::string_view in = Unconsumed();
  std::size_t start = parser->chunks > 0 ? 2 : 0;  // the CRLF ending the previous chunk's data
  if (in.size() <= start) return true;
  if (start == 2 && in.compare(0, 2, "\r\n") != 0) return false;  // Beast refuses it
  std::size_t i = start;
  while (i < in.size() && in[i] == '0') ++i;
  if (i == start) return false;                 // not a last chunk (or malformed: Beast decides)
  if (i == in.size()) return true;              // "000": can't tell yet
  if (std::isxdigit(static_cast<unsigned char>(in[i]))) return false;  // "01a": a sized chunk
  return in.find("\r\n\r\n", start) == std::string_view::npos;
}

bool RequestParser::Impl::FoldAhead() {
  // A line of the header section that starts with whitespace: obs-fold
  // (RFC 9112 §5.2: reject or replace; we reject), or whitespace between
  // the request line and the first field (§2.2). Checked before Beast sees
  // the bytes, because Beast takes a fold as part of the value and
  // consumes complete field lines as they come, so a check of the complete
  // header afterwards would miss folds in lines it already consumed.
  // Beast consumes whole lines, so the unconsumed bytes start a line.
  std::string_view raw = Unconsumed();
  if (head_bytes > 0 && !raw.empty() && (raw[0] == ' ' || raw[0] == '\t')) return true;
  if (header_end_seen) return false;
  std::size_t i = fold_checked;
  while ((i = raw.find('\n', i)) != std::string_view::npos) {
    if (i + 1 >= raw.size()) break;  // the next line's first byte is not here yet
    char c = raw[i + 1];
    if (c == ' ' || c == '\t') return true;
    if (c == '\r' || c == '\n') {  // the empty line ending the header (or a bare LF, Beast's)
      header_end_seen = true;
      return false;
    }
    ++i;
  }
  fold_checked = i == std::string_view::npos ? raw.size() : i;
  return false;
}

void RequestParser::Impl::CheckHeader(beast::error_code& ec) {
  if (!transfer_encoding.empty()) {
    if (content_length_seen) {
      return Fail(Error(400, "content-length-with-transfer-encoding",
                        "both Content-Length and Transfer-Encoding are present"),
                  ec);
    }
    if (head.version_minor == 0) {
      return Fail(Error(400, "bad-transfer-encoding", "Transfer-Encoding in an HTTP/1.0 request"), ec);
    }
    if (auto bad = CheckTransferEncoding(transfer_encoding)) return Fail(*bad, ec);
  }
  if (host_count > 1) return Fail(Error(400, "bad-host", "more than one Host field"), ec);
  if (host_count == 0 && head.version_minor == 1) {
    return Fail(Error(400, "bad-host", "an HTTP/1.1 request needs a Host field"), ec);
  }
  const std::string& t = head.target;
  bool origin = !t.empty() && t[0] == '/';
  bool asterisk = t == "*" && head.method == "OPTIONS";
  bool absolute = t.compare(0, 7, "http://") == 0 || t.compare(0, 8, "https://") == 0;
  bool authority = head.method == "CONNECT";  // refused later as not implemented
  if (!origin && !asterisk && !absolute && !authority) {
    return Fail(Error(400, "bad-target", "the request-target is not in origin, absolute or asterisk form"),
                ec);
  }
  if (expect_other) {
    return Fail(Error(417, "expectation-failed", "only Expect: 100-continue is supported"), ec);
  }
}

void RequestParser::Impl::StartRequest() {
  head = RequestHead{};
  transfer_encoding.clear();
  host_count = 0;
  head_bytes = 0;
  fold_checked = 0;
  header_end_seen = false;
  content_length_seen = false;
  expect_other = false;
  own_error.reset();
  parser.emplace(this);
  parser->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(limits.max_header_bytes, UINT32_MAX)));
  parser->body_limit(boost::none);  // the handler decides (413 on a declared length)
  parser->eager(false);             // one step per put(): one event at a time
  state = State::kHeader;
}

RequestParser::Event RequestParser::Impl::MapBeastError(const beast::error_code& ec) {
  if (own_error) return SetError(std::move(*own_error));
  using E = bhttp::error;
  if (ec == E::header_limit) {
    return SetError(Error(431, "header-too-large", "the request header section is too large"));
  }
  if (ec == E::multiple_content_length) {
    return SetError(Error(400, "conflicting-content-length", "Content-Length values differ"));
  }
  if (ec == E::bad_content_length) {
    if (!transfer_encoding.empty()) {
      return SetError(Error(400, "content-length-with-transfer-encoding",
                            "both Content-Length and Transfer-Encoding are present"));
    }
    return SetError(Error(400, "bad-content-length", "Content-Length is not a valid number"));
  }
  if (ec == E::bad_transfer_encoding) {
    if (content_length_seen) {
      return SetError(Error(400, "content-length-with-transfer-encoding",
                            "both Content-Length and Transfer-Encoding are present"));
    }
    return SetError(Error(400, "bad-transfer-encoding", "Transfer-Encoding is repeated or invalid"));
  }
  if (ec == E::bad_chunk || ec == E::bad_chunk_extension) {
    return SetError(Error(400, "bad-chunk", "a chunk size or chunk line is malformed"));
  }
  if (ec == E::bad_version) {
    // Beast refuses versions other than 1.0 and 1.1 with the same error as
    // a malformed one: a well-formed "HTTP/d.d" gets 505.
    std::string_view line = Unconsumed();
    std::size_t lf = line.find('\n');
    if (lf == std::string_view::npos || lf == 0 || line[lf - 1] != '\r') {
      return SetError(Error(400, "bad-line-ending", "lines must end with CRLF"));
    }
    line = line.substr(0, lf - 1);
    // method SP request-target SP HTTP/d.d: exactly two spaces.
    bool well_formed = line.size() >= 9 && std::count(line.begin(), line.end(), ' ') == 2 && line.compare(line.size() - 9, 6, " HTTP/") == 0 &&
                       line[line.size() - 3] >= '0' && line[line.size() - 3] <= '9' &&
                       line[line.size() - 2] == '.' && line.back() >= '0' && line.back() <= '9';
    if (well_formed) {
      return SetError(Error(505, "http-version-not-supported", "only HTTP/1.0 and HTTP/1.1 are supported"));
    }
    return SetError(Error(400, "bad-version", "the HTTP version is malformed"));
  }
  if (ec == E::bad_line_ending) {
    return SetError(Error(400, "bad-line-ending", "lines must end with CRLF"));
  }
  if (ec == E::bad_field || ec == E::bad_value) {
    return SetError(Error(400, "bad-field", "a header field is malformed"));
  }
  return SetError(Error(400, "bad-request", "the request is malformed: " + ec.message()));
}

RequestParser::RequestParser(Limits limits) : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
}
RequestParser::RequestParser() : RequestParser(Limits{}) {}
RequestParser::~RequestParser() = default;

void RequestParser::Append(std::string_view bytes) {
  Impl& m = *impl_;
  if (m.off == m.buf.size()) {
    m.buf.assign(bytes);
    m.off = 0;
    return;
  }
  if (m.off > 0 && m.off >= m.buf.size() / 2) {
    m.buf.erase(0, m.off);
    m.off = 0;
  }
  m.buf.append(bytes);
}

std::size_t RequestParser::buffered() const { return impl_->buf.size() - impl_->off; }

std::string RequestParser::TakeBuffered() {
  std::string rest = impl_->buf.substr(impl_->off);
  impl_->buf.clear();
  impl_->off = 0;
  return rest;
}
const RequestHead& RequestParser::head() const { return impl_->head; }
const ParseError& RequestParser::error() const { return impl_->error; }
bool RequestParser::in_body() const { return impl_->state == Impl::State::kBody; }
bool RequestParser::idle() const {
  return impl_->state == Impl::State::kBetween && buffered() == 0;
}

RequestParser::Event RequestParser::Next(std::string_view* body) {
  Impl& m = *impl_;
  if (m.state == Impl::State::kError) return Event::kError;
  if (m.off == m.buf.size()) {  // all consumed: give the storage back when large
    m.off = 0;
    if (m.buf.capacity() > 65536) {
      std::string().swap(m.buf);
    } else {
      m.buf.clear();
    }
  }
  if (m.state == Impl::State::kBetween) {
    // RFC 9112 §2.2: ignore empty lines before a request line.
    while (m.buf.size() - m.off >= 2 && m.buf[m.off] == '\r' && m.buf[m.off + 1] == '\n') m.off += 2;
    if (m.off == m.buf.size()) return Event::kNeedMore;
    if (m.buf.size() - m.off == 1 && m.buf[m.off] == '\r') return Event::kNeedMore;
    m.StartRequest();
  }
  while (true) {
    if (m.state == Impl::State::kBody && m.parser->is_done()) {
      m.state = Impl::State::kBetween;
      m.parser.reset();
      return Event::kEnd;
    }
    std::string_view in = m.Unconsumed();
    if (in.empty()) return Event::kNeedMore;
    if (m.state == Impl::State::kBody && m.LastChunkIncomplete()) {
      if (in.size() > m.limits.max_header_bytes) {
        return m.SetError(Error(400, "chunk-line-too-long", "a chunk line or the trailer section is too long"));
      }
      return Event::kNeedMore;
    }
    if (m.state == Impl::State::kHeader && m.FoldAhead()) {
      return m.SetError(Error(400, "obsolete-line-folding", "a header line starts with whitespace (obs-fold)"));
    }
    m.parser->body = {};
    beast::error_code ec;
    std::size_t used = m.parser->put(boost::asio::const_buffer(in.data(), in.size()), ec);
    m.off += used;
    if (m.state == Impl::State::kHeader) {
      m.head_bytes += used;
      m.fold_checked = m.fold_checked > used ? m.fold_checked - used : 0;
    }
    if (ec == bhttp::error::need_more) {
      // Beast bounds what it has not consumed; the whole head is bounded here.
      if (m.state == Impl::State::kHeader && m.head_bytes + (in.size() - used) > m.limits.max_header_bytes) {
        return m.SetError(Error(431, "header-too-large", "the request header section is too large"));
      }
      // Beast bounds the header; chunk lines and trailers are bounded here.
      if (m.state == Impl::State::kBody && in.size() > m.limits.max_header_bytes) {
        return m.SetError(Error(400, "chunk-line-too-long", "a chunk line or the trailer section is too long"));
      }
      return Event::kNeedMore;
    }
    if (ec) return m.MapBeastError(ec);
    if (m.state == Impl::State::kHeader) {
      if (!m.parser->is_header_done()) {
        if (used == 0) return Event::kNeedMore;
        continue;
      }
      m.state = Impl::State::kBody;
      return Event::kHead;
    }
    if (!m.parser->body.empty()) {
      if (body != nullptr) *body = m.parser->body;
      return Event::kBody;
    }
    if (used == 0 && !m.parser->is_done()) return Event::kNeedMore;
  }
}

}  // namespace chat::http
