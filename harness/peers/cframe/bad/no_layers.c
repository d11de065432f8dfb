/* A plug-in that declares no layer: every roles[] entry is 0. */
#include "stutter/plugin.h"

static const stutter_plugin descriptor = {STUTTER_PLUGIN_ABI_VERSION, sizeof(stutter_plugin), "no-layers", "0",
                                          "implements nothing", {0, 0, 0, 0, 0}, 0, NULL, NULL};

STUTTER_PLUGIN_EXPORT const stutter_plugin *stutter_plugin_entry(uint32_t host_abi) {
  (void)host_abi;
  return &descriptor;
}
