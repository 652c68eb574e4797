// Tests for SCRAM-SHA-256 and PLAIN (libchat/sasl.h): the RFC 7677 §3
// vector on both sides, independently computed vectors with an authzid and
// the "y" flag, tampering, malformed messages, the unknown-user path,
// verifiers and PLAIN parsing.
#include "libchat/sasl.h"

#include <string>

#include "CppUTest/TestHarness.h"
#include "libchat/base64.h"

using chat::sasl::Base64Decode;
using chat::sasl::Base64Encode;
using chat::sasl::CheckPassword;
using chat::sasl::MakeVerifier;
using chat::sasl::MakeVerifierWithSalt;
using chat::sasl::ParsePlain;
using chat::sasl::PlainCredentials;
using chat::sasl::ScramClient;
using chat::sasl::ScramServer;
using chat::sasl::ScramVerifier;
using namespace std::string_literals;

namespace {

// RFC 7677 §3.
const char kClientNonce[] = "rOprNGfwEbeRWgbNEkqO";
const char kServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
const char kSaltB64[] = "W22ZaJ0SNY7soEsUEjb6gQ==";
const char kClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
const char kServerFirst[] =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const char kClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
const char kServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
// StoredKey and ServerKey for "pencil" with that salt (Python hashlib).
const char kStoredKeyB64[] = "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=";
const char kServerKeyB64[] = "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";

// Few iterations where the count is not what is being tested.
constexpr uint32_t kFastIterations = 64;

std::string Decode(const char* text) {
  std::string raw;
  if (!Base64Decode(text, &raw)) FAIL(text);
  return raw;
}

ScramVerifier PencilVerifier() { return MakeVerifierWithSalt("pencil", Decode(kSaltB64), 4096); }

// Runs Step1 on `client_first` and returns the error, or "OK".
std::string Step1Error(const std::string& client_first) {
  ScramServer server("snonce");
  std::string user, error;
  if (server.Step1(client_first, &user, &error)) return "OK";
  CHECK(!error.empty());
  return error;
}

// A server that has answered kClientFirst with kServerFirst.
struct RfcServer {
  ScramServer server{kServerNonce};
  RfcServer() {
    std::string user, error;
    CHECK(server.Step1(kClientFirst, &user, &error));
    CHECK_EQUAL(std::string(kServerFirst), server.ServerFirst(PencilVerifier()));
  }
  // Step2's error for client_final, or "OK".
  std::string Step2Error(const std::string& client_final) {
    std::string final_msg = "untouched", error;
    if (server.Step2(client_final, &final_msg, &error)) return "OK";
    CHECK_EQUAL(std::string("untouched"), final_msg);
    return error;
  }
};

// A complete exchange between a ScramClient and a ScramServer holding
// `verifier` for `user`; true when both sides authenticated.
bool Exchange(const std::string& user, const std::string& password,
              const ScramVerifier& verifier, std::string* error) {
  ScramClient client(user, password);
  ScramServer server;
  std::string name, client_final, server_final;
  if (!server.Step1(client.ClientFirst(), &name, error)) return false;
  CHECK_EQUAL(user, name);
  if (!client.ClientFinal(server.ServerFirst(verifier), &client_final, error)) return false;
  if (!server.Step2(client_final, &server_final, error)) return false;
  return client.VerifyServerFinal(server_final);
}

}  // namespace

// ---------------------------------------------------------------- vectors

TEST_GROUP(ScramVectors) {};

TEST(ScramVectors, VerifierMatchesRfc7677Salt) {
  ScramVerifier v = PencilVerifier();
  CHECK_EQUAL(4096u, v.iterations);
  CHECK(v.salt == Decode(kSaltB64));
  CHECK_EQUAL(std::string(kStoredKeyB64), Base64Encode(v.stored_key));
  CHECK_EQUAL(std::string(kServerKeyB64), Base64Encode(v.server_key));
}

TEST(ScramVectors, ClientProducesRfc7677Messages) {
  ScramClient client("user", "pencil", kClientNonce);
  CHECK_EQUAL(std::string(kClientFirst), client.ClientFirst());
  std::string client_final, error;
  CHECK_TEXT(client.ClientFinal(kServerFirst, &client_final, &error), error.c_str());
  CHECK_EQUAL(std::string(kClientFinal), client_final);
  CHECK(client.VerifyServerFinal(kServerFinal));
}

TEST(ScramVectors, ServerProducesRfc7677Messages) {
  ScramServer server(kServerNonce);
  std::string user, error;
  CHECK_TEXT(server.Step1(kClientFirst, &user, &error), error.c_str());
  CHECK_EQUAL(std::string("user"), user);
  CHECK_EQUAL(std::string("user"), server.username());
  CHECK_EQUAL(std::string(""), server.authzid());
  CHECK_EQUAL(std::string(kServerFirst), server.ServerFirst(PencilVerifier()));
  std::string server_final;
  CHECK_TEXT(server.Step2(kClientFinal, &server_final, &error), error.c_str());
  CHECK_EQUAL(std::string(kServerFinal), server_final);
}

TEST(ScramVectors, ClientDrivesServerThroughRfc7677Exchange) {
  ScramClient client("user", "pencil", kClientNonce);
  ScramServer server(kServerNonce);
  std::string user, error, client_final, server_final;
  CHECK(server.Step1(client.ClientFirst(), &user, &error));
  CHECK(client.ClientFinal(server.ServerFirst(PencilVerifier()), &client_final, &error));
  CHECK_EQUAL(std::string(kClientFinal), client_final);
  CHECK(server.Step2(client_final, &server_final, &error));
  CHECK_EQUAL(std::string(kServerFinal), server_final);
  CHECK(client.VerifyServerFinal(server_final));
}

// Vector computed with Python's hashlib/hmac: gs2 header with an authzid
// (escaped, like the username), so c= is base64("n,a=us=2Cer,").
TEST(ScramVectors, AuthzidIsBoundIntoChannelBinding) {
  ScramServer server("SNONCE");
  std::string user, error, server_final;
  CHECK(server.Step1("n,a=us=2Cer,n=us=2Cer,r=cnonce", &user, &error));
  CHECK_EQUAL(std::string("us,er"), user);
  CHECK_EQUAL(std::string("us,er"), server.authzid());
  CHECK_EQUAL(std::string("r=cnonceSNONCE,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"),
              server.ServerFirst(PencilVerifier()));
  CHECK_TEXT(server.Step2("c=bixhPXVzPTJDZXIs,r=cnonceSNONCE,"
                          "p=ab08/HdIluRS47CY/gYIcvuIC/2AEZGzfSLJDmGtZdk=",
                          &server_final, &error),
             error.c_str());
  CHECK_EQUAL(std::string("v=AxSCc4JepkYKM/1eDw9NSMro+ol0uD40xYBySPZ9Z8Q="), server_final);
}

// RFC 5802 §6: "y" = client supports binding but thinks we don't; we don't.
TEST(ScramVectors, AcceptsYFlagWithMatchingBinding) {
  ScramServer server("SNONCE");
  std::string user, error, server_final;
  CHECK(server.Step1("y,,n=us=2Cer,r=cnonce", &user, &error));
  server.ServerFirst(PencilVerifier());
  CHECK_TEXT(server.Step2("c=eSws,r=cnonceSNONCE,p=4csJgXJkAOXusVrCg1yypE9nGxTkMZ7sE+WH5JMiTXE=",
                          &server_final, &error),
             error.c_str());
  CHECK_EQUAL(std::string("v=8A/iDCI0RNBCzEEZssZCl9irwYV3jD6knK4cGYtH4Wo="), server_final);
}

// ---------------------------------------------------------------- exchanges

TEST_GROUP(ScramExchange) {};

TEST(ScramExchange, RandomNoncesAndSaltAuthenticate) {
  std::string error;
  CHECK_TEXT(Exchange("alice", "s3cret", MakeVerifier("s3cret", kFastIterations), &error),
             error.c_str());
}

TEST(ScramExchange, UsernameWithCommaAndEqualsRoundTrips) {
  ScramClient client("a,b=c", "pw", "nonce");
  CHECK_EQUAL(std::string("n,,n=a=2Cb=3Dc,r=nonce"), client.ClientFirst());
  std::string error;
  CHECK_TEXT(Exchange("a,b=c", "pw", MakeVerifier("pw", kFastIterations), &error), error.c_str());
}

TEST(ScramExchange, NonAsciiPasswordUsedAsBytes) {
  const std::string nfc = "caf\xc3\xa9", nfd = "cafe\xcc\x81";  // no SASLprep
  std::string error;
  CHECK(Exchange("bob", nfc, MakeVerifier(nfc, kFastIterations), &error));
  CHECK_FALSE(Exchange("bob", nfd, MakeVerifier(nfc, kFastIterations), &error));
}

TEST(ScramExchange, GeneratedServerNonceIs32Base64Chars) {
  ScramServer server;
  std::string user, error;
  CHECK(server.Step1("n,,n=u,r=abc", &user, &error));
  std::string first = server.ServerFirst(MakeVerifier("pw", kFastIterations));
  std::string nonce = first.substr(2, first.find(',') - 2);
  CHECK_EQUAL(3u + 32u, nonce.size());
  CHECK_EQUAL(std::string("abc"), nonce.substr(0, 3));
  std::string raw;
  CHECK(Base64Decode(nonce.substr(3), &raw));
  CHECK_EQUAL(24u, raw.size());
  ScramServer other;
  CHECK(other.Step1("n,,n=u,r=abc", &user, &error));
  CHECK(first != other.ServerFirst(MakeVerifier("pw", kFastIterations)));
}

TEST(ScramExchange, WrongPasswordFails) {
  RfcServer s;
  ScramClient wrong("user", "pencil2", kClientNonce);
  wrong.ClientFirst();
  std::string client_final, error;
  CHECK(wrong.ClientFinal(kServerFirst, &client_final, &error));
  CHECK_EQUAL(std::string("invalid proof"), s.Step2Error(client_final));
}

TEST(ScramExchange, TamperedNonceFails) {
  std::string tampered = kClientFinal;
  tampered[12] ^= 1;  // inside r=
  RfcServer a;
  CHECK_EQUAL(std::string("nonce mismatch"), a.Step2Error(tampered));
  RfcServer b;  // client nonce alone, without the server's part
  CHECK_EQUAL(std::string("nonce mismatch"),
              b.Step2Error("c=biws,r=rOprNGfwEbeRWgbNEkqO,"
                           "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
  RfcServer c;
  CHECK_EQUAL(std::string("missing nonce"),
              c.Step2Error("c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
}

TEST(ScramExchange, TamperedProofFails) {
  std::string tampered = kClientFinal;
  std::size_t p = tampered.find(",p=") + 3;
  tampered[p] = tampered[p] == 'A' ? 'B' : 'A';
  RfcServer a;
  CHECK_EQUAL(std::string("invalid proof"), a.Step2Error(tampered));
  RfcServer b;  // proof of the wrong length
  CHECK_EQUAL(std::string("malformed proof"),
              b.Step2Error("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA"));
  RfcServer c;  // proof not base64
  CHECK_EQUAL(std::string("malformed proof"),
              c.Step2Error("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=!!!!"));
  RfcServer d;
  CHECK_EQUAL(std::string("missing proof"),
              d.Step2Error("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"));
}

TEST(ScramExchange, ChannelBindingMustMatchGs2Header) {
  const std::string rest =
      ",r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  RfcServer a;  // "y,," while the client-first said "n,,"
  CHECK_EQUAL(std::string("channel binding mismatch"), a.Step2Error("c=eSws" + rest));
  RfcServer b;
  CHECK_EQUAL(std::string("malformed channel binding"), b.Step2Error("c=biw" + rest));
  RfcServer c;
  CHECK_EQUAL(std::string("malformed channel binding"), c.Step2Error("r=x" + rest));
}

TEST(ScramExchange, Step2AcceptsWellFormedExtensions) {
  // Extensions change AuthMessage, so the RFC proof no longer matches: the
  // point is that parsing gets as far as the proof.
  RfcServer a;
  CHECK_EQUAL(std::string("invalid proof"),
              a.Step2Error("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,x=1,"
                           "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
  RfcServer b;
  CHECK_EQUAL(std::string("malformed extension"),
              b.Step2Error("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,,"
                           "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
}

TEST(ScramExchange, MalformedVerifierFailsStep2) {
  ScramServer server(kServerNonce);
  std::string user, error, server_final;
  CHECK(server.Step1(kClientFirst, &user, &error));
  ScramVerifier broken = PencilVerifier();
  broken.stored_key.pop_back();
  server.ServerFirst(broken);
  CHECK_FALSE(server.Step2(kClientFinal, &server_final, &error));
  CHECK_EQUAL(std::string("malformed verifier"), error);
}

TEST(ScramExchange, StepsOutOfOrderFail) {
  ScramServer server(kServerNonce);
  std::string user, error, server_final;
  CHECK_FALSE(server.Step2(kClientFinal, &server_final, &error));
  CHECK_EQUAL(std::string("unexpected message"), error);
  CHECK_FALSE(server.Step1(kClientFirst, &user, &error));  // the exchange is over

  ScramServer twice(kServerNonce);
  CHECK(twice.Step1(kClientFirst, &user, &error));
  CHECK_FALSE(twice.Step1(kClientFirst, &user, &error));
  CHECK_EQUAL(std::string("unexpected message"), error);

  RfcServer done;
  CHECK_EQUAL(std::string("OK"), done.Step2Error(kClientFinal));
  CHECK_EQUAL(std::string("unexpected message"), done.Step2Error(kClientFinal));
}

TEST(ScramExchange, FailedStep2EndsExchange) {
  RfcServer s;
  CHECK_EQUAL(std::string("invalid proof"),
              s.Step2Error("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                           "p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  CHECK_EQUAL(std::string("unexpected message"), s.Step2Error(kClientFinal));
}

// ---------------------------------------------------------------- client-first

TEST_GROUP(ScramClientFirst) {};

TEST(ScramClientFirst, RejectsChannelBinding) {
  CHECK_EQUAL(std::string("channel binding not supported"),
              Step1Error("p=tls-unique,,n=user,r=abc"));
  CHECK_EQUAL(std::string("channel binding not supported"),
              Step1Error("p=tls-server-end-point,a=x,n=user,r=abc"));
}

TEST(ScramClientFirst, RejectsBadGs2Header) {
  const char* bad[] = {"",  "n", "n,", "n,,", "x,,n=user,r=abc", "nn,,n=user,r=abc",
                       "N,,n=user,r=abc", " n,,n=user,r=abc", ",,n=user,r=abc"};
  for (const char* m : bad) CHECK_TEXT(Step1Error(m) != "OK", m);
  CHECK_EQUAL(std::string("malformed gs2 header"), Step1Error("x,,n=user,r=abc"));
}

TEST(ScramClientFirst, RejectsBadAuthzid) {
  const char* bad[] = {"n,b=x,n=user,r=abc", "n,a=,n=user,r=abc", "n,a=x=2,n=user,r=abc",
                       "n,x,n=user,r=abc"};
  for (const char* m : bad) CHECK_EQUAL_TEXT(std::string("malformed authzid"), Step1Error(m), m);
}

TEST(ScramClientFirst, RejectsMissingOrBadUsername) {
  CHECK_EQUAL(std::string("missing username"), Step1Error("n,,r=abc"));
  CHECK_EQUAL(std::string("missing username"), Step1Error("n,,r=abc,n=user"));
  CHECK_EQUAL(std::string("missing username"), Step1Error("n,,user,r=abc"));
  const char* bad[] = {"n,,n=,r=abc",        "n,,n=us=2Xer,r=abc", "n,,n=user=,r=abc",
                       "n,,n=user=2,r=abc",  "n,,n=u=3,r=abc",     "n,,n=u=3E,r=abc",
                       "n,,n=u=,r=abc",      "n,,n==,r=abc",       "n,,n=\xff,r=abc",
                       "n,,n=\xc3,r=abc",    "n,,n=u=ZZ,r=abc"};
  for (const char* m : bad) CHECK_EQUAL_TEXT(std::string("malformed username"), Step1Error(m), m);
  CHECK_EQUAL(std::string("malformed username"), Step1Error("n,,n=u\0s,r=abc"s));
}

TEST(ScramClientFirst, RejectsMissingOrBadNonce) {
  CHECK_EQUAL(std::string("missing nonce"), Step1Error("n,,n=user"));
  CHECK_EQUAL(std::string("missing nonce"), Step1Error("n,,n=user,x=abc"));
  CHECK_EQUAL(std::string("malformed nonce"), Step1Error("n,,n=user,r="));
  CHECK_EQUAL(std::string("malformed nonce"), Step1Error("n,,n=user,r=a b"));
  CHECK_EQUAL(std::string("malformed nonce"), Step1Error("n,,n=user,r=a\x7f"));
  CHECK_EQUAL(std::string("malformed nonce"), Step1Error("n,,n=user,r=\xc3\xa9"));
}

TEST(ScramClientFirst, RejectsMandatoryExtension) {
  CHECK_EQUAL(std::string("mandatory extension not supported"),
              Step1Error("n,,m=foo,n=user,r=abc"));
}

TEST(ScramClientFirst, ChecksOptionalExtensions) {
  CHECK_EQUAL(std::string("OK"), Step1Error("n,,n=user,r=abc,x=ext,y=more"));
  CHECK_EQUAL(std::string("malformed extension"), Step1Error("n,,n=user,r=abc,"));
  CHECK_EQUAL(std::string("malformed extension"), Step1Error("n,,n=user,r=abc,1=x"));
  CHECK_EQUAL(std::string("malformed extension"), Step1Error("n,,n=user,r=abc,x="));
  CHECK_EQUAL(std::string("malformed extension"), Step1Error("n,,n=user,r=abc,xy=1"));
}

TEST(ScramClientFirst, DecodesEscapesInUsernameAndAuthzid) {
  ScramServer server("s");
  std::string user, error;
  CHECK(server.Step1("n,a=x=3Dy,n=a=2Cb=3Dc=2c=3d,r=xyz", &user, &error));
  CHECK_EQUAL(std::string("a,b=c,="), user);
  CHECK_EQUAL(std::string("x=y"), server.authzid());
  CHECK_EQUAL(std::string("OK"), Step1Error("n,,n=J\xc3\xbcrgen,r=abc"));
}

// ---------------------------------------------------------------- unknown user

TEST_GROUP(ScramUnknownUser) {
  // The server-first-message for `name` with the fake salt from `seed`.
  std::string FakeFirst(const std::string& name, const std::string& seed) {
    ScramServer server("SNONCE");
    std::string user, error;
    CHECK(server.Step1("n,,n=" + name + ",r=cnonce", &user, &error));
    return server.ServerFirstForUnknown(4096, seed);
  }
};

TEST(ScramUnknownUser, ServerFirstLooksReal) {
  std::string first = FakeFirst("ghost", "seed");
  CHECK_EQUAL(std::string("r=cnonceSNONCE,s="), first.substr(0, 17));
  std::size_t i = first.find(",i=");
  CHECK(i != std::string::npos);
  CHECK_EQUAL(std::string(",i=4096"), first.substr(i));
  std::string salt;
  CHECK(Base64Decode(first.substr(17, i - 17), &salt));
  CHECK_EQUAL(chat::sasl::kSaltBytes, salt.size());
  CHECK_EQUAL(MakeVerifier("x", 1).salt.size(), salt.size());  // same as real accounts
}

TEST(ScramUnknownUser, FakeSaltIsStablePerNameAndSeed) {
  CHECK_EQUAL(FakeFirst("ghost", "seed"), FakeFirst("ghost", "seed"));
  CHECK_EQUAL(FakeFirst("ghost", "seed"), FakeFirst("GHOST", "seed"));  // casefolded
  CHECK(FakeFirst("ghost", "seed") != FakeFirst("ghost2", "seed"));
  CHECK(FakeFirst("ghost", "seed") != FakeFirst("ghost", "other"));
  CHECK(FakeFirst("ghost", "") != FakeFirst("ghost", "seed"));
}

TEST(ScramUnknownUser, Step2AlwaysFails) {
  ScramClient client("ghost", "anything", "cnonce");
  ScramServer server("SNONCE");
  std::string user, error, client_final, server_final = "untouched";
  CHECK(server.Step1(client.ClientFirst(), &user, &error));
  // The client cannot tell: it computes a proof as usual.
  CHECK(client.ClientFinal(server.ServerFirstForUnknown(kFastIterations, "seed"), &client_final,
                           &error));
  CHECK_FALSE(server.Step2(client_final, &server_final, &error));
  CHECK_EQUAL(std::string("unknown user"), error);
  CHECK_EQUAL(std::string("untouched"), server_final);
}

// ---------------------------------------------------------------- client side

TEST_GROUP(ScramClientSide) {
  // ClientFinal's error for server_first (after "n,,n=user,r=cnonce"), or "OK".
  std::string ClientFinalError(const std::string& server_first) {
    ScramClient client("user", "pencil", "cnonce");
    client.ClientFirst();
    std::string client_final, error;
    if (client.ClientFinal(server_first, &client_final, &error)) return "OK";
    CHECK(!error.empty());
    return error;
  }
};

TEST(ScramClientSide, RejectsBadServerFirst) {
  CHECK_EQUAL(std::string("OK"), ClientFinalError("r=cnonceS,s=AAAA,i=1"));
  CHECK_EQUAL(std::string("OK"), ClientFinalError("r=cnonceS,s=AAAA,i=1,x=ext"));
  CHECK_EQUAL(std::string("nonce mismatch"), ClientFinalError("r=cnonce,s=AAAA,i=1"));
  CHECK_EQUAL(std::string("nonce mismatch"), ClientFinalError("r=cnoncX,s=AAAA,i=1"));
  CHECK_EQUAL(std::string("nonce mismatch"), ClientFinalError("r=Xcnonce,s=AAAA,i=1"));
  CHECK_EQUAL(std::string("missing nonce"), ClientFinalError("s=AAAA,i=1"));
  CHECK_EQUAL(std::string("mandatory extension not supported"),
              ClientFinalError("m=x,r=cnonceS,s=AAAA,i=1"));
  CHECK_EQUAL(std::string("malformed salt"), ClientFinalError("r=cnonceS,s=,i=1"));
  CHECK_EQUAL(std::string("malformed salt"), ClientFinalError("r=cnonceS,s=AAA,i=1"));
  CHECK_EQUAL(std::string("malformed salt"), ClientFinalError("r=cnonceS,i=1"));
  CHECK_EQUAL(std::string("malformed iteration count"), ClientFinalError("r=cnonceS,s=AAAA"));
  CHECK_EQUAL(std::string("malformed iteration count"), ClientFinalError("r=cnonceS,s=AAAA,i=0"));
  CHECK_EQUAL(std::string("malformed iteration count"),
              ClientFinalError("r=cnonceS,s=AAAA,i=01"));
  CHECK_EQUAL(std::string("malformed iteration count"),
              ClientFinalError("r=cnonceS,s=AAAA,i=-1"));
  CHECK_EQUAL(std::string("malformed iteration count"),
              ClientFinalError("r=cnonceS,s=AAAA,i=4294967296"));
  CHECK_EQUAL(std::string("malformed iteration count"),
              ClientFinalError("r=cnonceS,s=AAAA,i=99999999999"));
  CHECK_EQUAL(std::string("iteration count too high"),
              ClientFinalError("r=cnonceS,s=AAAA,i=4294967295"));
  CHECK_EQUAL(std::string("malformed extension"), ClientFinalError("r=cnonceS,s=AAAA,i=1,"));
}

TEST(ScramClientSide, VerifyServerFinalRejectsWrongOrErrorReplies) {
  ScramClient client("user", "pencil", kClientNonce);
  CHECK_FALSE(client.VerifyServerFinal(kServerFinal));  // before ClientFinal
  client.ClientFirst();
  std::string client_final, error;
  CHECK(client.ClientFinal(kServerFirst, &client_final, &error));
  CHECK_FALSE(client.VerifyServerFinal("e=invalid-proof"));
  CHECK_FALSE(client.VerifyServerFinal(kServerFinal));  // one attempt only

  const char* bad[] = {"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", "v=", "v=!!!!", "",
                       "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="};
  for (const char* m : bad) {
    ScramClient c("user", "pencil", kClientNonce);
    c.ClientFirst();
    CHECK(c.ClientFinal(kServerFirst, &client_final, &error));
    CHECK_FALSE_TEXT(c.VerifyServerFinal(m), m);
  }
  ScramClient ext("user", "pencil", kClientNonce);
  ext.ClientFirst();
  CHECK(ext.ClientFinal(kServerFirst, &client_final, &error));
  CHECK(ext.VerifyServerFinal(std::string(kServerFinal) + ",x=ext"));
}

TEST(ScramClientSide, ClientFinalNeedsClientFirst) {
  ScramClient client("user", "pencil", kClientNonce);
  std::string client_final, error;
  CHECK_FALSE(client.ClientFinal(kServerFirst, &client_final, &error));
  CHECK_EQUAL(std::string("unexpected message"), error);
}

// ---------------------------------------------------------------- verifiers

TEST_GROUP(ScramVerifiers) {};

TEST(ScramVerifiers, MakeVerifierUsesFreshSalt) {
  ScramVerifier a = MakeVerifier("pw", kFastIterations);
  ScramVerifier b = MakeVerifier("pw", kFastIterations);
  CHECK_EQUAL(kFastIterations, a.iterations);
  CHECK_EQUAL(16u, a.salt.size());
  CHECK_EQUAL(32u, a.stored_key.size());
  CHECK_EQUAL(32u, a.server_key.size());
  CHECK(a.salt != b.salt);
  CHECK(a.stored_key != b.stored_key);
}

TEST(ScramVerifiers, CheckPassword) {
  ScramVerifier v = PencilVerifier();
  CHECK(CheckPassword(v, "pencil"));
  CHECK_FALSE(CheckPassword(v, "Pencil"));
  CHECK_FALSE(CheckPassword(v, "pencil "));
  CHECK_FALSE(CheckPassword(v, ""));
  ScramVerifier r = MakeVerifier("horse battery", kFastIterations);
  CHECK(CheckPassword(r, "horse battery"));
  CHECK_FALSE(CheckPassword(r, "horse"));
}

TEST(ScramVerifiers, EmptyPasswordIsJustBytes) {
  ScramVerifier v = MakeVerifierWithSalt("", "salt", kFastIterations);
  CHECK(CheckPassword(v, ""));
  CHECK_FALSE(CheckPassword(v, "x"));
}

TEST(ScramVerifiers, CheckPasswordRejectsMalformedVerifier) {
  ScramVerifier v = PencilVerifier();
  ScramVerifier no_iter = v;
  no_iter.iterations = 0;
  CHECK_FALSE(CheckPassword(no_iter, "pencil"));
  ScramVerifier no_salt = v;
  no_salt.salt.clear();
  CHECK_FALSE(CheckPassword(no_salt, "pencil"));
  ScramVerifier short_key = v;
  short_key.stored_key.resize(31);
  CHECK_FALSE(CheckPassword(short_key, "pencil"));
  CHECK_FALSE(CheckPassword(ScramVerifier{}, ""));
}

// ---------------------------------------------------------------- PLAIN

TEST_GROUP(Plain) {
  // Parses s (which may hold NULs) and returns whether it was accepted.
  bool Parse(const std::string& s, PlainCredentials* out = nullptr) {
    PlainCredentials tmp;
    return ParsePlain(s, out != nullptr ? out : &tmp);
  }
};

TEST(Plain, ParsesWithoutAuthzid) {
  PlainCredentials c;
  CHECK(Parse("\0user\0pass"s, &c));
  CHECK_EQUAL(std::string(""), c.authzid);
  CHECK_EQUAL(std::string("user"), c.authcid);
  CHECK_EQUAL(std::string("pass"), c.password);
}

TEST(Plain, ParsesWithAuthzid) {
  PlainCredentials c;
  CHECK(Parse("admin\0user\0p a s s"s, &c));
  CHECK_EQUAL(std::string("admin"), c.authzid);
  CHECK_EQUAL(std::string("user"), c.authcid);
  CHECK_EQUAL(std::string("p a s s"), c.password);
}

TEST(Plain, AcceptsUtf8) {
  PlainCredentials c;
  CHECK(Parse("\0J\xc3\xbcrgen\0caf\xc3\xa9"s, &c));
  CHECK_EQUAL(std::string("J\xc3\xbcrgen"), c.authcid);
  CHECK_EQUAL(std::string("caf\xc3\xa9"), c.password);
}

TEST(Plain, RejectsWrongNulCount) {
  CHECK_FALSE(Parse(""));
  CHECK_FALSE(Parse("userpass"));
  CHECK_FALSE(Parse("user\0pass"s));
  CHECK_FALSE(Parse("\0user\0pa\0ss"s));
  CHECK_FALSE(Parse("a\0b\0c\0"s));
  CHECK_FALSE(Parse("\0\0\0"s));
}

TEST(Plain, RejectsEmptyAuthcidOrPassword) {
  CHECK_FALSE(Parse("\0\0pass"s));
  CHECK_FALSE(Parse("\0user\0"s));
  CHECK_FALSE(Parse("admin\0\0pass"s));
}

TEST(Plain, FieldsAreLimitedTo255Bytes) {
  const std::string max(255, 'x'), over(256, 'x');
  const std::string nul(1, '\0');
  CHECK(Parse(max + nul + max + nul + max));
  CHECK_FALSE(Parse(over + nul + "u" + nul + "p"));
  CHECK_FALSE(Parse(nul + over + nul + "p"));
  CHECK_FALSE(Parse(nul + "u" + nul + over));
}

TEST(Plain, RejectsInvalidUtf8) {
  CHECK_FALSE(Parse("\0us\xff\0pass"s));
  CHECK_FALSE(Parse("\0user\0pa\xc3"s));
  CHECK_FALSE(Parse("\xc0\xaf\0user\0pass"s));
}
