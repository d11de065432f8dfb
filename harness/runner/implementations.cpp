#include "runner/implementations.hpp"

#include <deque>
#include <mutex>

#include "mutants/broken_variants.hpp"
#include "plugin/plugin_factory.hpp"
#include "runner/tls_layer.hpp"
#include "runner/websocket_phases.hpp"
#include "scenario/format.hpp"

namespace stutter::runner {
namespace {

using scenario::layer;
using scenario::placement;

constexpr std::uint8_t both = role_client | role_server;
constexpr std::array<std::uint8_t, 5> everything{both, both, both, both, both};
constexpr std::array<std::uint8_t, 5> framing{both, both, 0, 0, 0};
constexpr std::array<std::uint8_t, 5> websocket{0, 0, both, both, 0};
constexpr std::array<std::uint8_t, 5> tls_only{0, 0, 0, 0, both};

template <typename Factory, typename... Args>
std::function<std::unique_ptr<stack_factory>(placement)> fixed(Args... args) {
  return [=](placement) -> std::unique_ptr<stack_factory> { return std::make_unique<Factory>(args...); };
}

std::function<std::unique_ptr<stack_factory>(placement)> by_name(std::unique_ptr<stack_factory> (*make)(std::string_view),
                                                                 std::string name) {
  return [=](placement) { return make(name); };
}

// A built-in implementation placed at one end: its layers there, the reference's at the other.
class placed_factory final : public stack_factory {
 public:
  placed_factory(std::unique_ptr<stack_factory> inner, scenario::endpoint_id end)
      : inner_(std::move(inner)), end_(end) {}
  std::unique_ptr<phase> make_phase(phase_context ctx) override {
    return ctx.role == end_ ? inner_->make_phase(std::move(ctx)) : reference_.make_phase(std::move(ctx));
  }
  std::unique_ptr<byte_stream> make_transform(layer kind, scenario::endpoint_id role, const scenario::settings& config,
                                              byte_stream& lower, std::uint64_t seed) override {
    return role == end_ ? inner_->make_transform(kind, role, config, lower, seed)
                        : reference_.make_transform(kind, role, config, lower, seed);
  }
  void set_clock(std::function<std::uint64_t()> now) override { inner_->set_clock(std::move(now)); }
  std::optional<contract_violation> contract(scenario::endpoint_id role) const override {
    return role == end_ ? inner_->contract(role) : std::nullopt;
  }

 private:
  std::unique_ptr<stack_factory> inner_;
  stack_factory reference_;
  scenario::endpoint_id end_;
};

std::array<std::uint8_t, 5> at(std::array<std::uint8_t, 5> roles, std::uint8_t only) {
  for (auto& r : roles) r &= only;
  return roles;
}

class registry {
 public:
  registry() {
    add({"stutter", "the reference stack (impl/): every layer, both ends", everything, placement::both, true, {},
         fixed<stack_factory>()});
    peer({"wslay", "wslay (libwslay) at the server end, its own handshake", at(websocket, role_server),
         placement::server, true, {}, by_name(make_websocket_implementation, "wslay")});
    peer({"wslay-client", "wslay at the client end", at(websocket, role_client), placement::client, true, {},
         by_name(make_websocket_implementation, "wslay-client")});
    if (gnutls_available()) {
      peer({"gnutls", "GnuTLS at the server end (its own randomness: not replayable)", at(tls_only, role_server),
           placement::server, false, {}, by_name(make_tls_implementation, "gnutls")});
      peer({"gnutls-client", "GnuTLS at the client end (not replayable)", at(tls_only, role_client), placement::client,
           false, {}, by_name(make_tls_implementation, "gnutls-client")});
    }
    mutant("drops-handover-bytes", "loses the bytes read past a phase at the switch", framing,
           fixed<mutants::drops_handover_bytes>());
    mutant("short-write-is-complete", "takes a short write for a whole one", framing,
           fixed<mutants::short_write_is_complete>());
    mutant("polls-before-draining", "waits on the socket while its buffer holds a record", framing,
           fixed<mutants::polls_before_draining>());
    mutant("strict-overreads", "a strict reader that reads past its record", framing,
           fixed<mutants::strict_overreads>());
    mutant("spurious-would-block", "returns would_block with nothing beneath waiting", framing,
           fixed<mutants::spurious_would_block>());
    mutant("ws-fixed-mask-key", "a WebSocket client that reuses one mask key", websocket,
           by_name(make_websocket_implementation, "mutant:ws-fixed-mask-key"));
    mutant("ws-forgets-header-on-short-write", "loses a frame header after a short write", websocket,
           by_name(make_websocket_implementation, "mutant:ws-forgets-header-on-short-write"));
    mutant("ws-server-drops-overread", "a server handshake that drops the bytes after the head", websocket,
           by_name(make_websocket_implementation, "mutant:ws-server-drops-overread"));
    mutant("naive-tls", "a TLS wrapper that flushes only on writes and feeds input to SSL_write", tls_only,
           by_name(make_tls_implementation, "mutant:naive-tls"));
    mutant("nondeterministic", "draws randomness outside the run's seed", framing,
           fixed<mutants::nondeterministic>());
    mutant("corrupts-records", "alters the records it delivers", framing, fixed<mutants::corrupts_records>());
    mutant("unbounded-buffer", "a reader that ignores its capacity", framing, fixed<mutants::unbounded_buffer>());
    mutant("retry-drops-prefix", "a write retried after waiting drops its first byte", everything,
           fixed<mutants::retry_drops_prefix>());
  }

  const implementation* find(std::string_view name) {
    std::lock_guard lock(guard_);
    for (const auto& i : list_) {
      if (i.name == name) return &i;
    }
    if (!scenario::format::is_plugin_reference(name)) return nullptr;
    // Loading may throw plugin::plugin_error: the caller reports the file.
    auto lib = plugin::library::open(std::string(name.substr(scenario::format::plugin_prefix.size())));
    const stutter_plugin& d = lib->descriptor();
    implementation i{std::string(name), d.description != nullptr ? d.description : "", {}, placement::own,
                     (d.flags & STUTTER_PLUGIN_NOT_DETERMINISTIC) == 0, lib->identity(),
                     [lib](placement p) { return plugin::make_plugin_factory(lib, p); }};
    for (int l = 0; l < STUTTER_LAYER_COUNT; ++l) i.roles[static_cast<std::size_t>(l)] = static_cast<std::uint8_t>(d.roles[l]);
    list_.push_back(std::move(i));
    return &list_.back();
  }

  std::vector<const implementation*> all() {
    std::lock_guard lock(guard_);
    std::vector<const implementation*> out;
    for (const auto& i : list_) out.push_back(&i);
    return out;
  }

 private:
  void add(implementation i) { list_.push_back(std::move(i)); }
  // A library nobody here wrote, whose scenarios follow its own behaviour.
  void peer(implementation i) {
    i.scenarios_follow_it = true;
    add(std::move(i));
  }
  void mutant(std::string name, std::string what, std::array<std::uint8_t, 5> roles,
              std::function<std::unique_ptr<stack_factory>(placement)> make) {
    add({"mutant:" + name, "deliberately broken: " + what, roles, placement::both, true, {},
         std::move(make)});
  }

  std::mutex guard_;
  std::deque<implementation> list_;  // stable addresses as plug-ins are added
};

registry& the_registry() {
  static registry r;
  return r;
}

}  // namespace

std::vector<placement> implementation::single_ends() const {
  std::uint8_t ends = 0;
  for (auto r : roles) ends |= r;
  std::vector<placement> out;
  if (ends & role_client) out.push_back(placement::client);
  if (ends & role_server) out.push_back(placement::server);
  return out;
}

const implementation* find_implementation(std::string_view name) { return the_registry().find(name); }

std::vector<const implementation*> all_implementations() { return the_registry().all(); }

std::vector<std::string> implementation_names() {
  std::vector<std::string> out;
  for (const auto* i : all_implementations()) out.push_back(i->name);
  return out;
}

std::unique_ptr<stack_factory> factory_for(std::string_view name, placement at) {
  const implementation* i = find_implementation(name);
  if (i == nullptr) return nullptr;
  // Plug-ins place themselves; a built-in is placed by wrapping it.
  if (i->identity || at == placement::own || at == i->own || at == placement::both) return i->make(at);
  const auto end = at == placement::client ? scenario::endpoint_id::client : scenario::endpoint_id::server;
  return std::make_unique<placed_factory>(i->make(at), end);
}

}  // namespace stutter::runner
