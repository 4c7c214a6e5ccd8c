// Where each real data set officially comes from and which files make it up, so every error can say
// exactly which file is missing and where to get it.

export type RealDatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';

/** The part a file plays in a data set. */
export type FileRole = 'train-images' | 'train-labels' | 'test-images' | 'test-labels' | 'train-batch' | 'test-batch' | 'meta' | 'tarball';

export interface DataFileSpec {
  file: string;
  role: FileRole;
  /** Without it the data set cannot be assembled (optional files only add data or names). */
  required: boolean;
  /** Official download of this file (for CIFAR-10 batches: the tarball that holds them). */
  url: string;
}

const FASHION_BASE = 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/';
const MNIST_BASE = 'https://storage.googleapis.com/cvdf-datasets/mnist/';
export const CIFAR10_TARBALL_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_TARBALL = 'cifar-10-binary.tar.gz';

export const OFFICIAL_PAGE: Record<RealDatasetName, string> = {
  mnist: MNIST_BASE,
  'fashion-mnist': FASHION_BASE,
  cifar10: CIFAR10_TARBALL_URL,
};

const idxFiles = (base: string): DataFileSpec[] => [
  { file: 'train-images-idx3-ubyte.gz', role: 'train-images', required: true, url: `${base}train-images-idx3-ubyte.gz` },
  { file: 'train-labels-idx1-ubyte.gz', role: 'train-labels', required: true, url: `${base}train-labels-idx1-ubyte.gz` },
  { file: 't10k-images-idx3-ubyte.gz', role: 'test-images', required: true, url: `${base}t10k-images-idx3-ubyte.gz` },
  { file: 't10k-labels-idx1-ubyte.gz', role: 'test-labels', required: true, url: `${base}t10k-labels-idx1-ubyte.gz` },
];

/** The canonical files of each set, as they sit in `<dir>/<name>/` once prepared. */
export const DATA_FILES: Record<RealDatasetName, DataFileSpec[]> = {
  mnist: idxFiles(MNIST_BASE),
  'fashion-mnist': idxFiles(FASHION_BASE),
  cifar10: [
    { file: 'data_batch_1.bin', role: 'train-batch', required: true, url: CIFAR10_TARBALL_URL },
    ...[2, 3, 4, 5].map((n): DataFileSpec => ({ file: `data_batch_${n}.bin`, role: 'train-batch', required: false, url: CIFAR10_TARBALL_URL })),
    { file: 'test_batch.bin', role: 'test-batch', required: true, url: CIFAR10_TARBALL_URL },
    { file: 'batches.meta.txt', role: 'meta', required: false, url: CIFAR10_TARBALL_URL },
  ],
};

export const CLASS_NAMES: Record<RealDatasetName, string[]> = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  'fashion-mnist': ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  cifar10: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
};

/** Manifest written next to prepared files, so the browser loads what exists without probing for 404s. */
export const MANIFEST_FILE = 'files.json';

export interface DatasetManifest {
  name: RealDatasetName;
  files: string[];
}
