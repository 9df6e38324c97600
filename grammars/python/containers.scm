; Layer containers whose elements are list items or call arguments.
; Each pattern captures the whole call as @container and the node whose
; named children are the layers as @elements. The callee's last name is
; captured as @ctor so one pattern serves every import path
; (Sequential, keras.Sequential, tf.keras.Sequential, nn.Sequential, ...).

; keras Sequential([...]) and torch nn.ModuleList([...])
(call
  function: [(identifier) @ctor (attribute attribute: (identifier) @ctor)]
  arguments: (argument_list . (list) @elements)
  (#match? @ctor "^(Sequential|ModuleList)$")) @container.list

; keras Sequential(layers=[...])
(call
  function: [(identifier) @ctor (attribute attribute: (identifier) @ctor)]
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @keyword
      value: (list) @elements))
  (#eq? @ctor "Sequential")
  (#eq? @keyword "layers")) @container.list

; torch nn.Sequential(OrderedDict([("name", layer), ...]))
(call
  function: [(identifier) @ctor (attribute attribute: (identifier) @ctor)]
  arguments: (argument_list .
    (call
      function: [(identifier) @dict (attribute attribute: (identifier) @dict)]
      arguments: (argument_list . (list) @elements)))
  (#eq? @ctor "Sequential")
  (#eq? @dict "OrderedDict")) @container.ordered_dict

; torch nn.Sequential(a, b, c): the arguments are the layers
(call
  function: [(identifier) @ctor (attribute attribute: (identifier) @ctor)]
  arguments: (argument_list) @elements
  (#eq? @ctor "Sequential")) @container.arguments
