#include "isolation.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <new>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "runner/runner.hpp"
#include "scenario/load.hpp"
#include "scenario/names.hpp"
#include "scenario/save.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define STUTTER_ISOLATION_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define STUTTER_ISOLATION_ASAN 1
#endif
#endif

extern char** environ;

namespace stutter::cli {
namespace {

// The worker's exit status when a C++ allocation failed under its memory limit.
constexpr int exit_out_of_memory = 86;
constexpr int worker_fd = 3;
constexpr std::size_t stderr_keep = 2048;
// A crash's result keeps the last crash_tail_events trace events of the run that crashed
// (recorded by a re-run); its message shows the last crash_message_events.
constexpr std::size_t crash_tail_events = 20;
constexpr std::size_t crash_message_events = 5;
// Requests queued at a worker at most (run_queue): enough that it never waits for this
// process between items; few and small enough that neither side's socket buffer fills (a
// blocked send while the other side is blocked writing its answer would be a deadlock).
constexpr std::size_t max_queued = 3;
constexpr std::size_t max_queued_bytes = 64 * 1024;

// ---------------------------------------------------------------- codec

class writer {
 public:
  writer() = default;
  // Starts a record (see "records over a socket"): room for its length, then its kind.
  explicit writer(char kind) {
    out_.assign(4, '\0');
    out_ += kind;
  }
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { little_endian(v, 4); }
  void u64(std::uint64_t v) { little_endian(v, 8); }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s.data(), s.size());
  }
  void bytes(const std::vector<std::uint8_t>& b) {
    u64(b.size());
    out_.append(reinterpret_cast<const char*>(b.data()), b.size());
  }
  void raw(std::string_view s) { out_.append(s.data(), s.size()); }
  std::string take() { return std::move(out_); }
  // A record's bytes, its length filled in (writers made with a kind only).
  std::string record() {
    const auto n = static_cast<std::uint32_t>(out_.size() - 4);
    for (int i = 0; i < 4; ++i) out_[static_cast<std::size_t>(i)] = static_cast<char>(n >> (8 * i));
    return std::move(out_);
  }

 private:
  void little_endian(std::uint64_t v, int n) {
    char b[8];
    for (int i = 0; i < n; ++i) b[i] = static_cast<char>(v >> (8 * i));
    out_.append(b, static_cast<std::size_t>(n));
  }
  std::string out_;
};

class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}
  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(u8()) << (8 * i);
    return v;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(u8()) << (8 * i);
    return v;
  }
  std::string str() {
    const std::uint64_t n = u64();
    need(n);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::vector<std::uint8_t> bytes() {
    const std::string s = str();
    return {s.begin(), s.end()};
  }
  std::uint64_t count() {
    const std::uint64_t n = u64();
    need(n);  // every element takes at least one byte
    return n;
  }

 private:
  void need(std::uint64_t n) const {
    if (n > in_.size() - pos_) throw std::runtime_error("isolation: truncated record from a worker");
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

// Trace events name their layer and operation with static strings: decoded ones point into
// this set, which lives as long as the process.
std::string_view interned(std::string s) {
  static std::mutex guard;
  static std::set<std::string, std::less<>> names;
  std::lock_guard lock(guard);
  return *names.insert(std::move(s)).first;
}

// An error code that came from a worker: the same category name (the trace hash uses it) and
// the same value and message (reports use it).
class remote_category final : public std::error_category {
 public:
  explicit remote_category(std::string name) : name_(std::move(name)) {}
  const char* name() const noexcept override { return name_.c_str(); }
  std::string message(int value) const override {
    std::lock_guard lock(guard_);
    auto it = messages_.find(value);
    return it == messages_.end() ? "unknown error" : it->second;
  }
  void learn(int value, std::string message) const {
    std::lock_guard lock(guard_);
    messages_.emplace(value, std::move(message));
  }

 private:
  std::string name_;
  mutable std::mutex guard_;
  mutable std::map<int, std::string> messages_;
};

std::error_code remote_error(const std::string& category, int value, std::string message) {
  static std::mutex guard;
  static std::map<std::string, std::unique_ptr<remote_category>, std::less<>> categories;
  const remote_category* c = nullptr;
  {
    std::lock_guard lock(guard);
    auto& slot = categories[category];
    if (!slot) slot = std::make_unique<remote_category>(category);
    c = slot.get();
  }
  c->learn(value, std::move(message));
  return {value, *c};
}

void put_event(writer& w, const sim::trace_event& e) {
  w.u64(e.time);
  w.u8(static_cast<std::uint8_t>(e.endpoint));
  w.str(e.layer);
  w.str(e.op);
  w.u64(e.requested);
  w.u8(static_cast<std::uint8_t>(e.result));
  w.u64(e.moved);
  w.u8(e.fault ? static_cast<std::uint8_t>(*e.fault) + 1 : 0);
  w.u32(e.fault_amount);
  w.u8(e.error ? 1 : 0);
  if (e.error) {
    w.str(e.error.category().name());
    w.u32(static_cast<std::uint32_t>(e.error.value()));
    w.str(e.error.message());
  }
  w.u8(e.phase);
}

sim::trace_event get_event(reader& r) {
  sim::trace_event e;
  e.time = r.u64();
  e.endpoint = static_cast<sim::endpoint_id>(r.u8());
  e.layer = interned(r.str());
  e.op = interned(r.str());
  e.requested = r.u64();
  e.result = static_cast<decltype(e.result)>(r.u8());
  e.moved = r.u64();
  if (const auto f = r.u8(); f != 0) e.fault = static_cast<sim::fault_kind>(f - 1);
  e.fault_amount = r.u32();
  if (r.u8() != 0) {
    std::string category = r.str();
    const int value = static_cast<int>(r.u32());
    e.error = remote_error(category, value, r.str());
  }
  e.phase = r.u8();
  return e;
}

void put_optional(writer& w, const std::optional<std::string>& s) {
  w.u8(s ? 1 : 0);
  if (s) w.str(*s);
}

std::optional<std::string> get_optional(reader& r) {
  if (r.u8() == 0) return std::nullopt;
  return r.str();
}

// The scenario travels in binary, every field (cheaper than its JSON by far: payloads would go
// as hex). encode_request checks that it gives the scenario back (codec_keeps), else sends
// the JSON.
void put_u16s(writer& w, const std::vector<std::uint16_t>& v) {
  w.u64(v.size());
  for (auto x : v) w.u32(x);
}

void put_endpoint(writer& w, const scenario::endpoint& e) {
  w.u64(e.stack.size());
  for (auto l : e.stack) w.u8(static_cast<std::uint8_t>(l));
  const scenario::settings& c = e.config;
  w.str(c.separator);
  w.u32(c.max_line);
  w.str(c.length_prefix);
  w.u32(c.max_record);
  w.u8(c.strict ? 1 : 0);
  for (auto v : {c.buffer_capacity, c.read_block, c.max_message, c.fragment_size, c.max_header_bytes, c.max_headers})
    w.u32(v);
  w.str(c.tls_version);
  w.u8(c.allow_renegotiation ? 1 : 0);
  w.u64(e.workload.size());
  for (const auto& st : e.workload) {
    w.u8(static_cast<std::uint8_t>(st.kind));
    w.bytes(st.data);
    w.u8(static_cast<std::uint8_t>(st.type));
    w.str(st.error);
    put_u16s(w, st.close_codes);
    w.u32(st.code);
    w.u32(st.delay);
  }
}

scenario::endpoint get_endpoint(reader& r) {
  scenario::endpoint e;
  e.stack.resize(r.count());
  for (auto& l : e.stack) l = static_cast<scenario::layer>(r.u8());
  scenario::settings& c = e.config;
  c.separator = r.str();
  c.max_line = r.u32();
  c.length_prefix = r.str();
  c.max_record = r.u32();
  c.strict = r.u8() != 0;
  for (auto* v : {&c.buffer_capacity, &c.read_block, &c.max_message, &c.fragment_size, &c.max_header_bytes, &c.max_headers})
    *v = r.u32();
  c.tls_version = r.str();
  c.allow_renegotiation = r.u8() != 0;
  e.workload.resize(r.count());
  for (auto& st : e.workload) {
    st.kind = static_cast<scenario::step_kind>(r.u8());
    st.data = r.bytes();
    st.type = static_cast<scenario::message_type>(r.u8());
    st.error = r.str();
    st.close_codes.resize(r.count());
    for (auto& x : st.close_codes) x = static_cast<std::uint16_t>(r.u32());
    st.code = static_cast<std::uint16_t>(r.u32());
    st.delay = r.u32();
  }
  return e;
}

void put_scenario(writer& w, const scenario::scenario& s) {
  w.u32(static_cast<std::uint32_t>(s.version));
  for (const std::string* t : {&s.name, &s.description, &s.category, &s.rule, &s.peer}) w.str(*t);
  w.u8(static_cast<std::uint8_t>(s.peer_role));
  w.u8(s.peer_identity ? 1 : 0);
  if (s.peer_identity) {
    w.str(s.peer_identity->name);
    w.str(s.peer_identity->version);
    w.str(s.peer_identity->sha256);
  }
  w.u64(s.seed);
  w.u64(s.max_steps);
  w.str(s.commit);
  w.u32(s.net.capacity);
  w.u32(s.net.latency);
  w.u8(s.fault.explicit_schedule ? 1 : 0);
  w.u64(s.fault.schedule.size());
  for (const auto& d : s.fault.schedule) {
    w.u8(static_cast<std::uint8_t>(d.endpoint));
    w.u8(static_cast<std::uint8_t>(d.dir));
    w.u64(d.op);
    w.u8(static_cast<std::uint8_t>(d.kind));
    w.u32(d.amount);
  }
  w.u64(s.fault.swarm.size());
  for (const auto& [kind, rate] : s.fault.swarm) {
    w.u8(static_cast<std::uint8_t>(kind));
    w.u32(rate.per_mille);
    w.u32(rate.max_amount);
  }
  put_endpoint(w, s.client);
  put_endpoint(w, s.server);
  w.u8(static_cast<std::uint8_t>(s.expect.expected));
  put_optional(w, s.expect.invariant);
  put_optional(w, s.expect.message);
  w.u8(s.expect.at ? static_cast<std::uint8_t>(*s.expect.at) + 1 : 0);
}

scenario::scenario get_scenario(reader& r) {
  scenario::scenario s;
  s.version = static_cast<int>(r.u32());
  for (std::string* t : {&s.name, &s.description, &s.category, &s.rule, &s.peer}) *t = r.str();
  s.peer_role = static_cast<scenario::placement>(r.u8());
  if (r.u8() != 0) {
    scenario::implementation_identity id;
    id.name = r.str();
    id.version = r.str();
    id.sha256 = r.str();
    s.peer_identity = std::move(id);
  }
  s.seed = r.u64();
  s.max_steps = r.u64();
  s.commit = r.str();
  s.net.capacity = r.u32();
  s.net.latency = r.u32();
  s.fault.explicit_schedule = r.u8() != 0;
  s.fault.schedule.resize(r.count());
  for (auto& d : s.fault.schedule) {
    d.endpoint = static_cast<sim::endpoint_id>(r.u8());
    d.dir = static_cast<sim::direction>(r.u8());
    d.op = r.u64();
    d.kind = static_cast<sim::fault_kind>(r.u8());
    d.amount = r.u32();
  }
  const std::uint64_t kinds = r.count();
  for (std::uint64_t i = 0; i < kinds; ++i) {
    const auto kind = static_cast<sim::fault_kind>(r.u8());
    sim::fault_rate rate;
    rate.per_mille = r.u32();
    rate.max_amount = r.u32();
    s.fault.swarm[kind] = rate;
  }
  s.client = get_endpoint(r);
  s.server = get_endpoint(r);
  s.expect.expected = static_cast<scenario::verdict>(r.u8());
  s.expect.invariant = get_optional(r);
  s.expect.message = get_optional(r);
  if (const auto at = r.u8(); at != 0) s.expect.at = static_cast<sim::endpoint_id>(at - 1);
  return s;
}

// ---------------------------------------------------------------- records over a socket

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t k = ::send(fd, data, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    data += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

// A record made by writer(kind).record(): one write.
bool send_record(int fd, const std::string& record) { return write_all(fd, record.data(), record.size()); }

// Blocking, buffered: the worker's side. Each record without its length.
class record_reader {
 public:
  explicit record_reader(int fd) : fd_(fd) {}
  std::optional<std::string> next() {
    while (true) {
      if (buf_.size() - pos_ >= 4) {
        std::uint32_t n = 0;
        for (int i = 0; i < 4; ++i) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(buf_[pos_ + i])) << (8 * i);
        if (buf_.size() - pos_ - 4 >= n) {
          std::string record = buf_.substr(pos_ + 4, n);
          pos_ += 4 + n;
          return record;
        }
      }
      buf_.erase(0, pos_);
      pos_ = 0;
      char chunk[65536];
      const ssize_t k = ::read(fd_, chunk, sizeof chunk);
      if (k < 0 && errno == EINTR) continue;
      if (k <= 0) return std::nullopt;
      buf_.append(chunk, static_cast<std::size_t>(k));
    }
  }

 private:
  int fd_;
  std::string buf_;
  std::size_t pos_ = 0;
};

// Records: u32 little-endian length, then that many bytes, the first of which says what the
// record is. A request holds flags, the file name and the scenario; the worker answers it
// with an outcome record. Requests may queue up: the worker answers them in order. After a
// crash the item runs again with request_stream_events, and the worker sends every trace
// event as it is recorded before the outcome.
constexpr char record_request = 'q';
constexpr char record_outcome = 'o';  // the work_outcome (encode_outcome): the answer
constexpr char record_run = 'r';      // streaming: a run (of execute's two) starts
constexpr char record_event = 'e';    // streaming: one trace event (put_event)
constexpr std::uint8_t request_seed_overridden = 1;
constexpr std::uint8_t request_stream_events = 2;
// The outcome as execute() made it. Without it, a passing run's trace events and wire bytes
// stay in the worker: the results document, the report and the terminal show them only for
// the other verdicts (results_json.cpp, output.cpp).
constexpr std::uint8_t request_full_outcome = 4;
// The scenario as saved JSON instead of put_scenario's codec (see codec_keeps).
constexpr std::uint8_t request_json_scenario = 8;

// Whether `coded` (put_scenario's bytes) gives `s` back. scenario::scenario has operator==,
// so a field added to the type and not to the codec is found here, on the first scenario
// that sets it; builds with assertions then say so, once.
bool codec_keeps(const scenario::scenario& s, std::string_view coded) {
  reader r(coded);
  if (get_scenario(r) == s) return true;
#ifndef NDEBUG
  static std::once_flag said;
  std::call_once(said, [] {
    std::fprintf(stderr,
                 "stutter: isolation: the scenario codec misses a field of scenario::scenario (put_scenario and "
                 "get_scenario in harness/cli/isolation.cpp); such scenarios go to the worker as JSON\n");
  });
#endif
  return false;
}

std::string encode_request(const work_item& item, bool stream_events, bool full_outcome) {
  writer w(record_request);
  const std::uint8_t flags = (item.seed_overridden ? request_seed_overridden : 0) |
                             (stream_events ? request_stream_events : 0) | (full_outcome ? request_full_outcome : 0);
  writer coded;
  put_scenario(coded, item.scenario);
  const std::string scenario_bytes = coded.take();
  if (codec_keeps(item.scenario, scenario_bytes)) {
    w.u8(flags);
    w.str(item.file);
    w.raw(scenario_bytes);
  } else {  // a field the codec does not know: the JSON knows every field
    w.u8(flags | request_json_scenario);
    w.str(item.file);
    w.str(scenario::save_scenario(item.scenario));
  }
  return w.record();
}

std::string signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGTERM: return "SIGTERM";
    case SIGTRAP: return "SIGTRAP";
    case SIGSYS: return "SIGSYS";
    case SIGPIPE: return "SIGPIPE";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    default: return "signal " + std::to_string(sig);
  }
}

// ---------------------------------------------------------------- the worker process

std::uint64_t worker_memory_limit_mib = 0;

[[noreturn]] void out_of_memory() {
  char buf[160];
  const int n = std::snprintf(buf, sizeof buf, "stutter worker: an allocation failed: memory limit %llu MiB reached\n",
                              static_cast<unsigned long long>(worker_memory_limit_mib));
  if (n > 0) (void)!::write(STDERR_FILENO, buf, static_cast<std::size_t>(n));
  ::_exit(exit_out_of_memory);
}

#ifndef STUTTER_ISOLATION_ASAN
// A segfault with the address space within a tenth (at least 64 MiB) of the limit is most
// likely a NULL from malloc dereferenced: say so on stderr, then die of the signal.
void near_limit_handler(int sig) {
  char buf[64] = {};
  const int fd = ::open("/proc/self/statm", O_RDONLY);
  if (fd >= 0) {
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    std::uint64_t pages = 0;
    for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; ++i) pages = pages * 10 + (buf[i] - '0');
    const std::uint64_t used = pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t limit = worker_memory_limit_mib << 20;
    const std::uint64_t margin = std::max<std::uint64_t>(64ull << 20, limit / 10);
    if (limit > 0 && used + margin >= limit) {
      static const char note[] = "stutter worker: address space near the memory limit at the fault\n";
      (void)!::write(STDERR_FILENO, note, sizeof note - 1);
    }
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}
#endif

}  // namespace

// ---------------------------------------------------------------- codec (public)

namespace {

// The outcome; without `trace` a passing run's events and wire bytes are left out.
void put_outcome(writer& w, const work_outcome& o, bool trace) {
  const runner::run_result& r = o.result;
  if (r.verdict != scenario::verdict::pass) trace = true;
  w.u8(static_cast<std::uint8_t>(r.verdict));
  w.u8(static_cast<std::uint8_t>(r.observed));
  put_optional(w, r.invariant);
  w.str(r.message);
  w.u8(r.detail ? 1 : 0);
  if (r.detail) {
    w.str(r.detail->invariant);
    w.str(r.detail->message);
    w.u8(static_cast<std::uint8_t>(r.detail->endpoint));
    w.bytes(r.detail->expected);
    w.bytes(r.detail->delivered);
  }
  for (std::uint64_t v : {r.trace_hash, r.trace_events, r.steps, r.operations, r.bytes, r.virtual_time}) w.u64(v);
  for (auto v : r.faults) w.u64(v);
  for (const auto& phase : r.faults_by_phase)
    for (auto v : phase) w.u64(v);
  w.u64(r.decisions.size());
  for (const auto& d : r.decisions) {
    w.u8(static_cast<std::uint8_t>(d.endpoint));
    w.u8(static_cast<std::uint8_t>(d.dir));
    w.u64(d.op);
    w.u8(static_cast<std::uint8_t>(d.kind));
    w.u32(d.amount);
  }
  w.u64(trace ? r.events.size() : 0);
  if (trace)
    for (const auto& e : r.events) put_event(w, e);
  for (const auto& wire : r.wire) w.bytes(trace ? wire : std::vector<std::uint8_t>{});
  w.u64(r.invariants.size());
  for (const auto& i : r.invariants) w.str(i);
  w.u8(r.replayable ? 1 : 0);
  w.u8(o.deterministic ? 1 : 0);
  w.str(o.determinism_message);
}

}  // namespace

std::string encode_outcome(const work_outcome& o) {
  writer w;
  put_outcome(w, o, true);
  return w.take();
}

work_outcome decode_outcome(std::string_view bytes) {
  reader rd(bytes);
  work_outcome o;
  runner::run_result& r = o.result;
  r.verdict = static_cast<scenario::verdict>(rd.u8());
  r.observed = static_cast<scenario::verdict>(rd.u8());
  r.invariant = get_optional(rd);
  r.message = rd.str();
  if (rd.u8() != 0) {
    runner::violation v;
    v.invariant = rd.str();
    v.message = rd.str();
    v.endpoint = static_cast<scenario::endpoint_id>(rd.u8());
    v.expected = rd.bytes();
    v.delivered = rd.bytes();
    r.detail = std::move(v);
  }
  for (std::uint64_t* v : {&r.trace_hash, &r.trace_events, &r.steps, &r.operations, &r.bytes, &r.virtual_time}) *v = rd.u64();
  for (auto& v : r.faults) v = rd.u64();
  for (auto& phase : r.faults_by_phase)
    for (auto& v : phase) v = rd.u64();
  r.decisions.resize(rd.count());
  for (auto& d : r.decisions) {
    d.endpoint = static_cast<sim::endpoint_id>(rd.u8());
    d.dir = static_cast<sim::direction>(rd.u8());
    d.op = rd.u64();
    d.kind = static_cast<sim::fault_kind>(rd.u8());
    d.amount = rd.u32();
  }
  const std::uint64_t events = rd.count();
  r.events.reserve(events);
  for (std::uint64_t i = 0; i < events; ++i) r.events.push_back(get_event(rd));
  for (auto& wire : r.wire) wire = rd.bytes();
  r.invariants.resize(rd.count());
  for (auto& i : r.invariants) i = rd.str();
  r.replayable = rd.u8() != 0;
  o.deterministic = rd.u8() != 0;
  o.determinism_message = rd.str();
  return o;
}

int worker_main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "stutter __worker: internal subcommand (FD [MEMORY_LIMIT_MIB])\n");
    return 2;
  }
  const int fd = std::atoi(argv[2]);
  worker_memory_limit_mib = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 0;
  // RLIMIT_AS is set by the parent between fork and exec, before anything runs here.
  std::set_new_handler(&out_of_memory);
#ifndef STUTTER_ISOLATION_ASAN
  if (worker_memory_limit_mib > 0) {
    static char alt_stack[64 * 1024];
    stack_t ss{};
    ss.ss_sp = alt_stack;
    ss.ss_size = sizeof alt_stack;
    ::sigaltstack(&ss, nullptr);
    struct sigaction sa {};
    sa.sa_handler = &near_limit_handler;
    sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
    ::sigaction(SIGSEGV, &sa, nullptr);
    ::sigaction(SIGBUS, &sa, nullptr);
  }
#endif
  record_reader requests(fd);
  while (true) {
    auto request = requests.next();
    if (!request) return 0;  // the parent closed the socket: done
    reader rd(*request);
    if (rd.u8() != static_cast<std::uint8_t>(record_request)) {
      std::fprintf(stderr, "stutter __worker: not a request\n");
      return 2;
    }
    work_item item;
    const std::uint8_t flags = rd.u8();
    item.seed_overridden = (flags & request_seed_overridden) != 0;
    item.file = rd.str();
    item.scenario = (flags & request_json_scenario) != 0
                        ? scenario::parse_scenario(rd.str(), item.file.empty() ? "<work item>" : item.file)
                        : get_scenario(rd);
    work_outcome out;
    if ((flags & request_stream_events) != 0) {
      // A re-run after a crash: each event leaves the process as soon as it is recorded.
      runner::run_options options;
      options.keep_events = 0;
      options.on_event = [fd](const sim::trace_event& e) {
        writer w(record_event);
        put_event(w, e);
        (void)send_record(fd, w.record());
      };
      out = execute(item, options, [fd](int) { (void)send_record(fd, writer(record_run).record()); });
    } else {
      out = execute(item);
    }
    writer w(record_outcome);
    put_outcome(w, out, (flags & request_full_outcome) != 0);
    if (!send_record(fd, w.record())) return 0;
  }
}

// ---------------------------------------------------------------- the pool

namespace {

#ifdef STUTTER_ISOLATION_ASAN
// A sanitizer option string with `more` appended: the last setting of a flag wins, so the
// user's other settings stay in force.
std::string with_options(const char* variable, std::string_view more) {
  const char* current = std::getenv(variable);
  std::string v = std::string(variable) + "=";
  if (current != nullptr && *current != '\0') v += std::string(current) + ":";
  return v + std::string(more);
}
#endif

// The worker's environment: this process's, and in sanitizer builds the sanitizer options
// adjusted for a worker. It inherits the user's ASAN_OPTIONS and UBSAN_OPTIONS (detect_leaks,
// abort_on_error, halt_on_error, ...: a report ends the worker, however it ends, and becomes a
// crash naming the report), with these overrides:
//   log_path=stderr           the report must reach the parent, which reads it from the pipe
//   hard_rss_limit_mb=N       the memory limit (RLIMIT_AS cannot work under ASan)
//   max_allocation_size_mb=N  a single allocation beyond the limit fails, as under RLIMIT_AS
//   allocator_may_return_null=1  ... by returning NULL (as malloc does under RLIMIT_AS)
//   symbolize=0               for a trace re-run only (with_trace_tail): its report is not
//                             shown, and symbolizing a stack takes the better part of a second
std::vector<std::string> worker_environment([[maybe_unused]] const isolation_options& o, [[maybe_unused]] bool trace_rerun) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
#ifdef STUTTER_ISOLATION_ASAN
    const std::string_view v = *e;
    if (v.rfind("ASAN_OPTIONS=", 0) == 0 || v.rfind("UBSAN_OPTIONS=", 0) == 0) continue;
#endif
    env.emplace_back(*e);
  }
#ifdef STUTTER_ISOLATION_ASAN
  std::string asan = "log_path=stderr";
  if (o.memory_limit_mib > 0) {
    const std::string mib = std::to_string(o.memory_limit_mib);
    asan += ":hard_rss_limit_mb=" + mib + ":max_allocation_size_mb=" + mib + ":allocator_may_return_null=1";
  }
  const std::string common = trace_rerun ? ":symbolize=0" : "";
  env.push_back(with_options("ASAN_OPTIONS", asan + common));
  env.push_back(with_options("UBSAN_OPTIONS", "log_path=stderr" + common));  // UBSan's common flags come last
#endif
  return env;
}

// What a worker's stderr said, line by line: the last lines (a sanitizer's process memory map
// left out) and the first report of each kind, which decide the crash message.
struct stderr_log {
  std::size_t keep_bytes = stderr_keep;
  std::string tail;     // the last keep_bytes bytes of kept lines
  std::string partial;  // a line not yet ended
  bool in_memory_map = false;
  std::string sanitizer;       // the first sanitizer report: "AddressSanitizer: heap-buffer-overflow"
  std::string memory;          // a report that the memory limit was reached
  bool sanitizer_segv = false;  // the sanitizer reported a SEGV
  bool near_limit = false;      // the worker's SIGSEGV handler found the address space near the limit
  bool leaks = false;           // LeakSanitizer reported leaks

  void clear() {
    const std::size_t keep = keep_bytes;
    *this = stderr_log{};
    keep_bytes = keep;
  }

  void add(const char* data, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      partial += data[i];
      if (data[i] == '\n' || partial.size() >= 1024) line();
    }
  }
  // At EOF: the last line even without its newline.
  void finish() {
    if (!partial.empty()) line();
  }

 private:
  void line() {
    std::string l = std::move(partial);
    partial.clear();
    if (l.find("Process memory map follows") != std::string::npos) {
      in_memory_map = true;
      keep("(the process memory map is left out)\n");
      return;
    }
    if (in_memory_map) {
      if (l.find("End of process memory map") != std::string::npos) in_memory_map = false;
      return;
    }
    judge(l);
    keep(l);
  }

  void keep(std::string_view l) {
    tail += l;
    if (tail.size() > keep_bytes) {
      std::size_t cut = tail.size() - keep_bytes;
      const std::size_t nl = tail.find('\n', cut);
      if (nl != std::string::npos && nl + 1 < tail.size()) cut = nl + 1;  // whole lines only
      tail.erase(0, cut);
    }
  }

  static std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
    return std::string(s);
  }

  void judge(const std::string& l) {
    // Memory: ASan's RSS limit (hard_rss_limit_mb), its allocator or mmap giving up, an
    // allocation larger than max_allocation_size_mb with allocator_may_return_null=0.
    if (memory.empty()) {
      for (const char* m : {"hard rss limit exhausted", "soft rss limit exhausted", "AddressSanitizer: out of memory",
                            "AddressSanitizer: allocator is out of memory", "AddressSanitizer: requested allocation size",
                            "AddressSanitizer failed to allocate", "allocation-size-too-big"}) {
        if (l.find(m) == std::string::npos) continue;
        const auto from = l.find("AddressSanitizer");
        memory = trimmed(from != std::string::npos ? std::string_view(l).substr(from) : std::string_view(m));
        break;
      }
    }
    if (l.find("address space near the memory limit") != std::string::npos) near_limit = true;
    if (l.find("LeakSanitizer: detected memory leaks") != std::string::npos) leaks = true;
    // "==123==ERROR: AddressSanitizer: heap-buffer-overflow on address ..." -> "AddressSanitizer: heap-buffer-overflow"
    for (const char* tool : {"ERROR: AddressSanitizer: ", "ERROR: UndefinedBehaviorSanitizer: "}) {
      const auto at = l.find(tool);
      if (at == std::string::npos) continue;
      std::string_view what = std::string_view(l).substr(at + 7);
      if (what.substr(what.find(": ") + 2).rfind("SEGV", 0) == 0) sanitizer_segv = true;
      if (const auto on = what.find(" on "); on != std::string_view::npos) what = what.substr(0, on);
      if (sanitizer.empty()) sanitizer = trimmed(what);
    }
    // "file.c:12:5: runtime error: signed integer overflow: ..."
    if (const auto at = l.find("runtime error: "); at != std::string::npos && sanitizer.empty()) {
      sanitizer = "UndefinedBehaviorSanitizer: " + trimmed(std::string_view(l).substr(at));
    }
  }
};

}  // namespace

struct worker_pool::worker {
  pid_t pid = -1;
  int sock = -1;
  int err = -1;  // read end of the worker's stderr (and stdout)
  stderr_log log;
  std::string in;          // bytes read from the socket
  std::size_t in_pos = 0;  // where the next record starts in `in`

  bool alive() const { return pid > 0; }

  enum class wait_result { record, died, timed_out };

  // The next record from the worker (its stderr drained meanwhile): died when the socket
  // ended or failed, timed_out at the deadline.
  wait_result next_record(std::chrono::steady_clock::time_point deadline, std::string& record) {
    while (true) {
      if (in.size() - in_pos >= 4) {
        std::uint32_t n = 0;
        for (int i = 0; i < 4; ++i) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[in_pos + i])) << (8 * i);
        if (in.size() - in_pos - 4 >= n) {
          record.assign(in, in_pos + 4, n);
          in_pos += 4 + n;
          if (in_pos == in.size()) {
            in.clear();
            in_pos = 0;
          }
          return wait_result::record;
        }
      }
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline) return wait_result::timed_out;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
      pollfd p[2] = {{sock, POLLIN, 0}, {err, POLLIN, 0}};
      const int ready = ::poll(p, err >= 0 ? 2 : 1, static_cast<int>(std::min<long long>(left, 1000)));
      if (ready < 0 && errno != EINTR) return wait_result::died;
      if (ready <= 0) continue;
      if (err >= 0 && p[1].revents != 0 && !drain_stderr()) {
        ::close(err);  // its stderr ended: it is about to die, or closed it
        err = -1;
      }
      if (p[0].revents != 0) {
        if (in_pos > 0) {
          in.erase(0, in_pos);
          in_pos = 0;
        }
        char buf[65536];
        const ssize_t k = ::read(sock, buf, sizeof buf);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return wait_result::died;
        in.append(buf, static_cast<std::size_t>(k));
      }
    }
  }

  // Reads what is there without blocking; false at EOF.
  bool drain_stderr() {
    char buf[4096];
    while (true) {
      const ssize_t k = ::read(err, buf, sizeof buf);
      if (k > 0) {
        log.add(buf, static_cast<std::size_t>(k));
        continue;
      }
      if (k < 0 && errno == EINTR) continue;
      if (k == 0) log.finish();
      return !(k == 0);
    }
  }

  // The rest of a dead worker's stderr, up to EOF (or a quiet 200 ms: a grandchild may hold it).
  void drain_to_eof() {
    while (err >= 0 && drain_stderr()) {
      pollfd p{err, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) break;
    }
  }

  void close_fds() {
    if (sock >= 0) ::close(sock);
    if (err >= 0) ::close(err);
    sock = err = -1;
  }

  // Waits for the process to end (killing it after `grace`), returns its wait status.
  int reap(std::chrono::milliseconds grace) {
    int status = 0;
    const auto until = std::chrono::steady_clock::now() + grace;
    while (true) {
      const pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno != EINTR)) break;
      if (std::chrono::steady_clock::now() >= until) {
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        break;
      }
      if (err >= 0) {
        pollfd p{err, POLLIN, 0};
        if (::poll(&p, 1, 10) > 0) drain_stderr();
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    pid = -1;
    return status;
  }

  // A fresh worker process; `trace_rerun`: one for a crash's trace re-run (with_trace_tail).
  void start(const isolation_options& o, bool trace_rerun = false) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw std::system_error(errno, std::generic_category(), "socketpair");
    int ep[2];
    if (::pipe2(ep, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
    // Everything the child needs is prepared before fork: between fork and exec it calls
    // only async-signal-safe functions (the parent has other threads).
    const std::string fd_arg = std::to_string(worker_fd);
    const std::string limit_arg = std::to_string(o.memory_limit_mib);
    std::vector<std::string> env_store = worker_environment(o, trace_rerun);
    std::vector<char*> envp;
    for (auto& v : env_store) envp.push_back(v.data());
    envp.push_back(nullptr);
    char exe[] = "/proc/self/exe";
    char name[] = "stutter";
    char sub[] = "__worker";
    std::string fd_copy = fd_arg, limit_copy = limit_arg;
    char* argv[] = {name, sub, fd_copy.data(), limit_copy.data(), nullptr};
    rlimit as{};
#ifdef STUTTER_ISOLATION_ASAN
    const bool set_rlimit = false;  // ASan's shadow needs terabytes of address space
#else
    const bool set_rlimit = o.memory_limit_mib > 0;
#endif
    as.rlim_cur = as.rlim_max = static_cast<rlim_t>(o.memory_limit_mib) << 20;

    const pid_t child = ::fork();
    if (child < 0) throw std::system_error(errno, std::generic_category(), "fork");
    if (child == 0) {
      ::dup2(ep[1], STDOUT_FILENO);
      ::dup2(ep[1], STDERR_FILENO);
      if (sv[1] == worker_fd) {
        ::fcntl(worker_fd, F_SETFD, 0);
      } else {
        ::dup2(sv[1], worker_fd);
      }
      if (set_rlimit) ::setrlimit(RLIMIT_AS, &as);
      ::execve(exe, argv, envp.data());
      static const char msg[] = "stutter: cannot exec /proc/self/exe for a worker\n";
      (void)!::write(STDERR_FILENO, msg, sizeof msg - 1);
      ::_exit(127);
    }
    ::close(sv[1]);
    ::close(ep[1]);
    ::fcntl(ep[0], F_SETFL, ::fcntl(ep[0], F_GETFL) | O_NONBLOCK);
    pid = child;
    sock = sv[0];
    err = ep[0];
    log = stderr_log{};
    in.clear();
    in_pos = 0;
  }

  // Shutting down an idle worker, in two steps so that a pool's workers end in parallel:
  // closing the socket (the worker sees EOF and exits, running LeakSanitizer's check at exit
  // in an ASan build), then waiting for it. A worker that fails at exit (leaks) is reported.
  void begin_stop() {
    if (!alive() || sock < 0) return;
    ::close(sock);
    sock = -1;
    log.clear();
    log.keep_bytes = 64 * 1024;  // a whole leak report
  }
  void finish_stop();
};

namespace {

std::string last_lines(const std::string& tail) {
  std::string t = tail;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

// How the process ended: "worker killed by SIGSEGV", "worker exited with status 1".
std::string ending(int status) {
  if (WIFSIGNALED(status)) return "worker killed by " + signal_name(WTERMSIG(status));
  if (WIFEXITED(status)) return "worker exited with status " + std::to_string(WEXITSTATUS(status));
  return "worker ended (wait status " + std::to_string(status) + ")";
}

// The crash message: what the worker's stderr says happened (a sanitizer report decides,
// however the worker then ended: abort_on_error makes every report a SIGABRT), else how the
// process ended; then the last lines of its stderr.
std::string crash_message(int status, const stderr_log& log, std::uint64_t limit_mib) {
  const std::string limit = "memory limit " + std::to_string(limit_mib) + " MiB reached";
  std::string m = "crash: ";
  if (WIFEXITED(status) && WEXITSTATUS(status) == exit_out_of_memory) {
    m += limit + " (an allocation failed)";
  } else if (!log.memory.empty()) {
    m += limit + ": " + log.memory + " (" + ending(status) + ")";
  } else if (log.sanitizer_segv) {
    m += "SIGSEGV, reported by " + log.sanitizer.substr(0, log.sanitizer.find(':')) + " (" + ending(status) + ")";
  } else if (!log.sanitizer.empty()) {
    m += log.sanitizer + " (" + ending(status) + ")";
  } else {
    m += ending(status);
    if (WIFSIGNALED(status) && log.near_limit) m += " (" + limit + "?)";
  }
  if (!log.tail.empty()) m += "\nworker stderr (last lines):\n" + last_lines(log.tail);
  return m;
}

work_outcome isolation_outcome(const work_item& item, scenario::verdict observed, std::optional<std::string> invariant,
                               std::string message) {
  work_outcome out;
  runner::run_result& r = out.result;
  r.observed = observed;
  r.invariant = std::move(invariant);
  r.message = std::move(message);
  runner::apply_expectation(item.scenario.expect, r);
  return out;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

#ifdef STUTTER_ISOLATION_ASAN
std::atomic<bool> worker_leaked{false};

// A leak in a worker fails this process as the same leak in process would (detect_leaks).
void fail_for_worker_leaks() {
  if (!worker_leaked) return;
  std::fflush(nullptr);
  static const char note[] = "stutter: failing, because a worker process reported memory leaks (above)\n";
  (void)!::write(STDERR_FILENO, note, sizeof note - 1);
  std::_Exit(1);
}
#endif

}  // namespace

void worker_pool::worker::finish_stop() {
  if (!alive()) return;
  begin_stop();
  const int status = reap(std::chrono::milliseconds(10000));
  drain_to_eof();
  close_fds();
  if (status == 0) return;
  std::string text = "stutter: a worker process failed at exit (" + ending(status) + ")";
  if (!log.tail.empty()) text += "; its stderr:\n" + last_lines(log.tail);
  text += "\n";
  (void)!::write(STDERR_FILENO, text.data(), text.size());
#ifdef STUTTER_ISOLATION_ASAN
  if (log.leaks && !worker_leaked.exchange(true)) std::atexit(&fail_for_worker_leaks);
#endif
}

worker_pool::worker_pool(unsigned slots, isolation_options options) : options_(options) {
  for (unsigned i = 0; i < std::max(1u, slots); ++i) workers_.push_back(std::make_unique<worker>());
}

worker_pool::~worker_pool() {
  for (auto& w : workers_) w->begin_stop();
  for (auto& w : workers_) w->finish_stop();
}

unsigned worker_pool::slots() const { return static_cast<unsigned>(workers_.size()); }

// The last events of a streamed run.
struct trace_tail {
  std::deque<sim::trace_event> events;  // the last crash_tail_events of the current run
  std::uint64_t count = 0;              // events of the current run
  int run = 0;                          // execute's runs started (1 or 2)

  void start_run() {
    events.clear();
    count = 0;
    ++run;
  }
  void add(sim::trace_event e) {
    if (events.size() == crash_tail_events) events.pop_front();
    events.push_back(std::move(e));
    ++count;
  }
};

namespace {

// Puts what a streaming re-run saw into the crash's result: the last events (the report's
// timeline), how many there were, and the last few in the message.
void attach_tail(work_outcome& crashed, const trace_tail& tail, const work_outcome& again) {
  runner::run_result& r = crashed.result;
  r.events.assign(tail.events.begin(), tail.events.end());
  r.trace_events = tail.count;
  const std::string run = tail.run > 1 ? " of the determinism re-run" : "";
  switch (again.result.observed) {
    case scenario::verdict::crash:
      r.message += tail.count == 0 ? "\nno trace events before the crash (a re-run in a fresh worker)"
                                   : "\ntrace before the crash (a re-run in a fresh worker; the last " +
                                         std::to_string(std::min<std::size_t>(crash_message_events, tail.events.size())) +
                                         " of " + std::to_string(tail.count) + " events" + run + "):";
      break;
    case scenario::verdict::hang:
      if (ended_by_isolation(again.result)) {
        r.message += "\na re-run in a fresh worker hung instead (wall clock) after " + std::to_string(tail.count) +
                     " trace events" + run + (tail.count > 0 ? "; the last ones:" : "");
        break;
      }
      [[fallthrough]];
    default:
      r.message += "\na re-run in a fresh worker did not crash (" +
                   std::string(scenario::to_string(again.result.observed)) + "): the crash does not reproduce";
      r.events.clear();
      r.trace_events = 0;
      return;
  }
  const std::size_t from = tail.events.size() - std::min<std::size_t>(crash_message_events, tail.events.size());
  for (std::size_t i = from; i < tail.events.size(); ++i) {
    r.message += "\n  " + sim::to_json_line(tail.events[i], runner::phase_name(tail.events[i].phase));
  }
}

}  // namespace

std::chrono::steady_clock::time_point worker_pool::deadline_from(std::chrono::steady_clock::time_point start) const {
  return start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(options_.wall_timeout));
}

work_outcome worker_pool::crashed(worker& w, const work_item& item) {
  const int status = w.reap(std::chrono::milliseconds(2000));
  w.drain_to_eof();
  w.close_fds();
  return isolation_outcome(item, scenario::verdict::crash, std::nullopt,
                           crash_message(status, w.log, options_.memory_limit_mib));
}

work_outcome worker_pool::hung(worker& w, const work_item& item) {
  ::kill(w.pid, SIGKILL);
  w.reap(std::chrono::milliseconds(2000));
  w.close_fds();
  return isolation_outcome(item, scenario::verdict::hang, std::string("liveness.progress"),
                           "wall clock: no answer within " + seconds_text(options_.wall_timeout) +
                               " s (the worker was killed)");
}

work_outcome worker_pool::attempt(worker& w, const work_item& item, trace_tail* tail) {
  if (!w.alive()) w.start(options_);
  w.log.clear();
  const auto deadline = deadline_from(std::chrono::steady_clock::now());
  if (!send_record(w.sock, encode_request(item, tail != nullptr, options_.full_outcomes))) return crashed(w, item);
  std::string record;
  while (true) {
    switch (w.next_record(deadline, record)) {
      case worker::wait_result::died: return crashed(w, item);
      case worker::wait_result::timed_out: return hung(w, item);
      case worker::wait_result::record: break;
    }
    const std::string_view body = std::string_view(record).substr(record.empty() ? 0 : 1);
    switch (record.empty() ? '\0' : record[0]) {
      case record_outcome: return decode_outcome(body);
      case record_run:
        if (tail != nullptr) tail->start_run();
        break;
      case record_event:
        if (tail != nullptr) {
          reader rd(body);
          tail->add(get_event(rd));
        }
        break;
      default: throw std::runtime_error("isolation: a record of unknown kind from a worker");
    }
  }
}

work_outcome worker_pool::with_trace_tail(worker& w, const work_item& item, work_outcome crash) {
  // The crashed worker's trace died with it: the same item again, in a fresh worker that
  // sends each event as it is recorded, gives the events that led to the crash. That worker
  // is for this only (its sanitizer reports would not be symbolized).
  trace_tail tail;
  if (w.alive()) w.finish_stop();
  w.start(options_, /*trace_rerun=*/true);
  const work_outcome again = attempt(w, item, &tail);
  w.finish_stop();
  attach_tail(crash, tail, again);
  return crash;
}

work_outcome worker_pool::run(unsigned slot, const work_item& item) {
  worker& w = *workers_.at(slot);
  work_outcome out = attempt(w, item, nullptr);
  if (out.result.observed != scenario::verdict::crash) return out;
  return with_trace_tail(w, item, std::move(out));
}

void worker_pool::run_queue(unsigned slot, const std::vector<work_item>& items, std::atomic<std::size_t>& next,
                            std::vector<work_outcome>& outcomes, const std::function<void()>& finished) {
  worker& w = *workers_.at(slot);
  // Requests sent and not yet answered, oldest first: the worker runs the first now.
  struct sent {
    std::size_t index;
    std::size_t bytes;
  };
  std::deque<sent> queue;
  std::size_t queued_bytes = 0;
  std::deque<std::size_t> again;  // taken from `next`, to be sent (to a fresh worker: the last one died)
  std::optional<std::pair<std::size_t, std::string>> held;  // encoded, waiting for room in the queue
  bool more = true;
  auto started = std::chrono::steady_clock::now();  // when the worker began the first in the queue
  std::string record;
  while (true) {
    // Top up the queue: a few requests, so that the worker never waits for this process.
    while (queue.size() < max_queued) {
      if (!held) {
        std::size_t i = 0;
        if (!again.empty()) {
          i = again.front();
          again.pop_front();
        } else if (!more || (i = next++) >= items.size()) {
          more = false;
          break;
        }
        held.emplace(i, encode_request(items[i], false, options_.full_outcomes));
      }
      if (!queue.empty() && queued_bytes + held->second.size() > max_queued_bytes) break;
      if (!w.alive()) {
        w.start(options_);
        w.log.clear();
      }
      if (queue.empty()) started = std::chrono::steady_clock::now();
      queue.push_back({held->first, held->second.size()});
      queued_bytes += held->second.size();
      const bool delivered = send_record(w.sock, held->second);
      held.reset();
      if (!delivered) break;  // it died: next_record says so
    }
    if (queue.empty()) return;
    const sent front = queue.front();
    queue.pop_front();
    queued_bytes -= front.bytes;
    const work_item& item = items[front.index];
    work_outcome out;
    switch (w.next_record(deadline_from(started), record)) {
      case worker::wait_result::record:
        if (record.empty() || record[0] != record_outcome) throw std::runtime_error("isolation: a worker's answer is not an outcome");
        out = decode_outcome(std::string_view(record).substr(1));
        w.log.clear();  // its stderr so far belongs to this item
        started = std::chrono::steady_clock::now();
        break;
      case worker::wait_result::died:
        out = crashed(w, item);
        break;
      case worker::wait_result::timed_out:
        out = hung(w, item);
        break;
    }
    if (!w.alive()) {  // the rest of the queue goes to a fresh worker, in order (before `held`)
      if (held) {
        again.push_front(held->first);
        held.reset();
      }
      for (auto it = queue.rbegin(); it != queue.rend(); ++it) again.push_front(it->index);
      queue.clear();
      queued_bytes = 0;
      if (out.result.observed == scenario::verdict::crash) out = with_trace_tail(w, item, std::move(out));
    }
    outcomes[front.index] = std::move(out);
    if (finished) finished();
  }
}

bool wants_isolation(const std::vector<work_item>& items) {
  for (const auto& i : items)
    if (i.scenario.peer.rfind("plugin:", 0) == 0) return true;
  return false;
}

isolation_options choose_isolation(const std::vector<work_item>& items, std::optional<bool> isolate,
                                   double wall_timeout, std::uint64_t memory_limit_mib) {
  isolation_options o;
  o.isolate = isolate ? *isolate : wants_isolation(items);
  o.wall_timeout = wall_timeout;
  o.memory_limit_mib = memory_limit_mib;
  return o;
}

namespace {

std::vector<work_outcome> run_pooled(worker_pool& pool, const std::vector<work_item>& items, unsigned jobs,
                                     const std::function<void(std::size_t)>& progress) {
  std::vector<work_outcome> outcomes(items.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::mutex report;
  auto job = [&](unsigned slot) {
    pool.run_queue(slot, items, next, outcomes, [&] {
      const std::size_t finished = ++done;
      if (progress) {
        std::lock_guard lock(report);
        progress(finished);
      }
    });
  };
  jobs = std::max(1u, std::min<unsigned>({jobs, pool.slots(), static_cast<unsigned>(std::max<std::size_t>(1, items.size()))}));
  std::vector<std::thread> threads;
  for (unsigned j = 1; j < jobs; ++j) threads.emplace_back(job, j);
  job(0);
  for (auto& t : threads) t.join();
  return outcomes;
}

}  // namespace

std::vector<work_outcome> execute_all(const std::vector<work_item>& items, unsigned jobs,
                                      const isolation_options& options,
                                      const std::function<void(std::size_t)>& progress) {
  if (!options.isolate) return execute_all(items, jobs, progress);
  worker_pool pool(std::max(1u, jobs), options);
  return run_pooled(pool, items, jobs, progress);
}

std::vector<work_outcome> executor::run_all(const std::vector<work_item>& items, unsigned jobs,
                                            const std::function<void(std::size_t)>& progress) {
  if (!options_.isolate) return execute_all(items, jobs, progress);
  if (!pool_) pool_ = std::make_unique<worker_pool>(std::max(1u, jobs), options_);
  return run_pooled(*pool_, items, jobs, progress);
}

bool ended_by_isolation(const runner::run_result& r) {
  return r.observed == scenario::verdict::crash ||
         (r.observed == scenario::verdict::hang && r.message.find("wall clock: no answer within") != std::string::npos);
}

}  // namespace stutter::cli
