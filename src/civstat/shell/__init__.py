"""``civstat sql``'s shell: the workspace session (:mod:`.workspace`), statements and
dot-commands (:mod:`.commands`), drawing results (:mod:`.render`), the prompt (:mod:`.repl`)."""
