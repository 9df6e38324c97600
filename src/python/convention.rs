//! The ML ordering convention for layers both sides inserted at the same
//! place (merge-rules §2): a layer that computes comes first, then
//! normalisation, then activation, then dropout-family and pooling.
//! Users add their own layers with git config `mlmerge.layerKinds`
//! (`MyConv=compute, RMSNormX=normalise`).

/// What a layer does, in the order the convention puts same-place
/// insertions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LayerKind {
    Compute,
    Normalise,
    Activation,
    Regularise,
}

impl LayerKind {
    /// The kinds, in the order the convention puts them.
    pub const ALL: [LayerKind; 4] = [
        LayerKind::Compute,
        LayerKind::Normalise,
        LayerKind::Activation,
        LayerKind::Regularise,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Compute => "compute",
            Self::Normalise => "normalise",
            Self::Activation => "activation",
            Self::Regularise => "regularise",
        }
    }

    /// Parses a kind's name (`normalize` and `pooling`/`dropout` too).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "compute" => Some(Self::Compute),
            "normalise" | "normalize" | "normalisation" | "normalization" => Some(Self::Normalise),
            "activation" => Some(Self::Activation),
            "regularise" | "regularize" | "dropout" | "pooling" => Some(Self::Regularise),
            _ => None,
        }
    }
}

/// Why a `mlmerge.layerKinds` value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConventionError {
    /// An item without `=`.
    NotNameKind(String),
    /// A kind that is not one of [`LayerKind::ALL`].
    UnknownKind(String),
}

impl std::fmt::Display for ConventionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotNameKind(item) => write!(f, "`{item}` is not Name=kind"),
            Self::UnknownKind(kind) => {
                let names: Vec<&str> = LayerKind::ALL.iter().map(|k| k.name()).collect();
                write!(f, "unknown layer kind `{kind}` (use {})", names.join(", "))
            }
        }
    }
}

impl std::error::Error for ConventionError {}

/// The convention in force: the built-in table plus the user's layers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Convention {
    extra: Vec<(String, LayerKind)>,
}

impl Convention {
    /// Parses `Name=kind, Name=kind`; kinds are those of [`LayerKind`].
    pub fn parse(spec: &str) -> Result<Self, ConventionError> {
        let mut extra = Vec::new();
        for item in spec
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let (name, kind) = item
                .split_once('=')
                .ok_or_else(|| ConventionError::NotNameKind(item.to_string()))?;
            let kind = LayerKind::from_name(kind)
                .ok_or_else(|| ConventionError::UnknownKind(kind.trim().to_ascii_lowercase()))?;
            extra.push((name.trim().to_string(), kind));
        }
        Ok(Convention { extra })
    }

    /// The place of a constructor: the user's table first, then the built-in one.
    pub fn category(&self, ctor: &str) -> Option<LayerKind> {
        self.extra
            .iter()
            .find(|(name, _)| name == ctor)
            .map(|&(_, k)| k)
            .or_else(|| category(ctor))
    }
}

/// The place of a layer constructor in the convention, if it has one.
pub fn category(ctor: &str) -> Option<LayerKind> {
    const COMPUTE: &[&str] = &[
        "Dense",
        "Linear",
        "LazyLinear",
        "Bilinear",
        "Embedding",
        "LSTM",
        "GRU",
        "RNN",
        "SimpleRNN",
        "Bidirectional",
        "ConvLSTM1D",
        "ConvLSTM2D",
        "ConvLSTM3D",
        "MultiHeadAttention",
        "Attention",
        "EinsumDense",
        "TransformerEncoderLayer",
        "TransformerDecoderLayer",
        "LSTMCell",
        "GRUCell",
    ];
    const NORMALISE: &[&str] = &[
        "BatchNormalization",
        "LayerNormalization",
        "GroupNormalization",
        "UnitNormalization",
        "BatchNorm1d",
        "BatchNorm2d",
        "BatchNorm3d",
        "LayerNorm",
        "GroupNorm",
        "InstanceNorm1d",
        "InstanceNorm2d",
        "InstanceNorm3d",
        "SyncBatchNorm",
        "RMSNorm",
    ];
    const ACTIVATION: &[&str] = &[
        "Activation",
        "ReLU",
        "ReLU6",
        "LeakyReLU",
        "PReLU",
        "ELU",
        "SELU",
        "GELU",
        "SiLU",
        "Mish",
        "Softmax",
        "LogSoftmax",
        "Sigmoid",
        "Tanh",
        "Hardswish",
        "Hardsigmoid",
        "ThresholdedReLU",
        "Softplus",
    ];
    const REGULARISE: &[&str] = &[
        "Dropout",
        "SpatialDropout1D",
        "SpatialDropout2D",
        "SpatialDropout3D",
        "AlphaDropout",
        "GaussianDropout",
        "GaussianNoise",
        "Dropout1d",
        "Dropout2d",
        "Dropout3d",
        "FeatureAlphaDropout",
        "ActivityRegularization",
    ];
    let is_conv = ctor.starts_with("Conv")
        || ctor.starts_with("SeparableConv")
        || ctor.starts_with("DepthwiseConv")
        || ctor.starts_with("LazyConv");
    let is_pool = ctor.contains("Pool");
    if COMPUTE.contains(&ctor) || is_conv {
        Some(LayerKind::Compute)
    } else if NORMALISE.contains(&ctor) {
        Some(LayerKind::Normalise)
    } else if ACTIVATION.contains(&ctor) {
        Some(LayerKind::Activation)
    } else if REGULARISE.contains(&ctor) || is_pool {
        Some(LayerKind::Regularise)
    } else {
        None
    }
}

/// Orders two sides' same-place insertions by the convention, as
/// (from ours, index) pairs; `None` when the convention does not decide:
/// an unknown layer, a side whose own order goes against the convention,
/// or both sides inserting layers of the same kind.
pub fn order_by_convention(
    convention: &Convention,
    ours: &[Option<String>],
    theirs: &[Option<String>],
) -> Option<Vec<(bool, usize)>> {
    let cats = |side: &[Option<String>]| -> Option<Vec<LayerKind>> {
        side.iter()
            .map(|c| c.as_deref().and_then(|c| convention.category(c)))
            .collect()
    };
    let (co, ct) = (cats(ours)?, cats(theirs)?);
    let sorted = |v: &[LayerKind]| v.windows(2).all(|w| w[0] <= w[1]);
    if !sorted(&co) || !sorted(&ct) || co.iter().any(|c| ct.contains(c)) {
        return None;
    }
    let mut order: Vec<(bool, usize)> = (0..co.len())
        .map(|k| (true, k))
        .chain((0..ct.len()).map(|k| (false, k)))
        .collect();
    order.sort_by_key(|&(from_ours, k)| if from_ours { co[k] } else { ct[k] });
    Some(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<Option<String>> {
        v.iter().map(|s| Some(s.to_string())).collect()
    }

    #[test]
    fn batchnorm_before_dropout() {
        let order = order_by_convention(
            &Convention::default(),
            &names(&["Dropout"]),
            &names(&["BatchNormalization"]),
        );
        assert_eq!(order, Some(vec![(false, 0), (true, 0)]));
    }

    #[test]
    fn same_kind_or_unknown_is_undecided() {
        assert_eq!(
            order_by_convention(
                &Convention::default(),
                &names(&["Dropout"]),
                &names(&["MaxPooling2D"])
            ),
            None
        );
        assert_eq!(
            order_by_convention(
                &Convention::default(),
                &names(&["Flatten"]),
                &names(&["Dense"])
            ),
            None
        );
    }

    #[test]
    fn user_layers_join_the_convention() {
        let convention = Convention::parse("MyNorm=normalise, Flatten=compute").unwrap();
        let order = order_by_convention(&convention, &names(&["Dropout"]), &names(&["MyNorm"]));
        assert_eq!(order, Some(vec![(false, 0), (true, 0)]));
        assert_eq!(
            Convention::parse("X=sideways").unwrap_err().to_string(),
            "unknown layer kind `sideways` (use compute, normalise, activation, regularise)"
        );
    }

    #[test]
    fn categories() {
        assert_eq!(category("Conv2D"), Some(LayerKind::Compute));
        assert_eq!(category("BatchNorm2d"), Some(LayerKind::Normalise));
        assert_eq!(category("ReLU"), Some(LayerKind::Activation));
        assert_eq!(
            category("GlobalAveragePooling2D"),
            Some(LayerKind::Regularise)
        );
    }
}
