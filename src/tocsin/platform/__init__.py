"""Cross-cutting helpers that web, cli, worker and adapters all use and that choose no outside
system: translations (``i18n``), structured logs (``logs``) and bounded JSON input (``payload``,
``json_input``). They import only the domain; they are not adapters, since nothing here is
swapped at the composition root."""
