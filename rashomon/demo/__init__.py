"""The offline demo and its local servers: a copy of the official sites (`server`), a webhook
receiver (`receiver`), the settings that point the sources at them (`sample`), and
`rashomon demo` itself (`run`). The tests use the servers too."""
