; Keras Sequential([...]) from any import path (Sequential, keras.Sequential,
; tf.keras.Sequential, keras.models.Sequential, ...) and torch
; nn.ModuleList([...]): the list items are the layers.
((call
  function: (_) @callee
  arguments: (argument_list . (list) @elements)) @container
  (#match? @callee "(^|[.])(Sequential|ModuleList)$"))
