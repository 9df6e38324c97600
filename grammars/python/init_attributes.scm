; Subclassed models: self.dense = Dense(64). Counted in __init__ only (the
; enclosing function is checked in code); the layers are keyed by @key, the
; attribute name, not by position.
((expression_statement
  (assignment
    left: (attribute
      object: (identifier) @self
      attribute: (identifier) @key)
    right: (call) @layer)) @statement
  (#eq? @self "self"))
